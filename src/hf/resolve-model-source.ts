/**
 * A model argument (local folder or hub id) made ready to read: config.json and tensor shapes, and for 'full'
 * every file a conversion needs in the shared hub cache. Offline (HF_HUB_OFFLINE) only the cache is used.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { modelInfo } from '@huggingface/hub';
import type { CheckpointShapes } from '../arch/types.ts';
import { OliveError } from '../errors.ts';
import { readConfig } from './config.ts';
import { downloadToCache } from './download-to-cache.ts';
import { fetchHubTensorShapes } from './fetch-hub-tensor-shapes.ts';
import { cachedCommit, repoCacheDir, snapshotDir, writeRef } from './hub-cache.ts';
import { hubClient, hubFailure, type HubClient } from './hub-client.ts';
import { snapshotFiles, weightsEntryFile } from './hub-files.ts';
import { hubSettings, type HubSettings } from './hub-settings.ts';
import { localCheckpointShapes } from './local-checkpoint-shapes.ts';
import { parseModelArgument } from './model-argument.ts';
import type { ModelSource, ResolveModelOptions } from './model-source.ts';

export const DEFAULT_REVISION = 'main';
const CONFIG_FILE = 'config.json';

export async function resolveModelSource(idOrPath: string, options: ResolveModelOptions): Promise<ModelSource> {
  const argument = parseModelArgument(idOrPath);
  if (argument.kind === 'local') return localModelSource(argument.dir, options);
  const settings = hubSettings(options.env);
  return settings.offline ? cachedHubSource(argument.repo, settings, options) : fetchedHubSource(argument.repo, settings, options);
}

async function localModelSource(dir: string, options: ResolveModelOptions): Promise<ModelSource> {
  const config = await readConfig(dir);
  const checkpoint = await localCheckpointShapes(dir, dir);
  if (options.weights === 'full' && checkpoint === null) {
    throw new OliveError(`${dir} has no model.safetensors or model.safetensors.index.json: only safetensors checkpoints can be converted`);
  }
  return { kind: 'local', id: dir, dir, config, checkpoint };
}

async function cachedHubSource(repo: string, settings: HubSettings, options: ResolveModelOptions): Promise<ModelSource> {
  const revision = options.revision ?? DEFAULT_REVISION;
  const repoDir = repoCacheDir(settings.cacheDir, repo);
  const commit = await cachedCommit(repoDir, revision);
  const dir = commit === null ? null : snapshotDir(repoDir, commit);
  if (commit === null || dir === null || !existsSync(path.join(dir, CONFIG_FILE))) {
    throw new OliveError(`HF_HUB_OFFLINE is set and '${repo}' (${revision}) is not in the hub cache ${settings.cacheDir}`);
  }
  // a cost table can do with config.json alone; a conversion needs every shard
  const checkpoint = await localCheckpointShapes(dir, repo, options.weights === 'headers');
  if (options.weights === 'full' && checkpoint === null) {
    throw new OliveError(`HF_HUB_OFFLINE is set and the hub cache has no safetensors weights for '${repo}' in ${dir}`);
  }
  return { kind: 'hub', id: repo, dir, commit, config: await readConfig(dir), checkpoint };
}

async function fetchedHubSource(repo: string, settings: HubSettings, options: ResolveModelOptions): Promise<ModelSource> {
  const client = hubClient(settings, options.fetch);
  const revision = options.revision ?? DEFAULT_REVISION;
  const repoDir = repoCacheDir(settings.cacheDir, repo);
  const { commit, files } = await repoFiles(client, repo, revision, settings);
  await writeRef(repoDir, revision, commit);
  if (!files.includes(CONFIG_FILE)) throw new OliveError(`'${repo}' on ${settings.endpoint} has no ${CONFIG_FILE}`);
  const weightsFile = weightsEntryFile(files);
  if (options.weights === 'full' && weightsFile === null) {
    throw new OliveError(`'${repo}' has no model.safetensors or model.safetensors.index.json: only safetensors checkpoints can be converted`);
  }
  const wanted = options.weights === 'full' ? snapshotFiles(files) : [CONFIG_FILE];
  for (const file of wanted) {
    await downloadToCache({ client, repo, repoDir, commit, file, onProgress: options.onProgress }).catch((error: unknown) => {
      throw hubFailure(error, repo, `download of ${file}`, settings);
    });
  }
  const dir = snapshotDir(repoDir, commit);
  const config = await readConfig(dir);
  const checkpoint = options.weights === 'full' ? await localCheckpointShapes(dir, repo) : await hubCheckpoint(client, repo, commit, weightsFile, settings);
  return { kind: 'hub', id: repo, dir, commit, config, checkpoint };
}

async function repoFiles(client: HubClient, repo: string, revision: string, settings: HubSettings): Promise<{ commit: string; files: string[] }> {
  try {
    const info = await modelInfo({ ...client, name: repo, revision, additionalFields: ['sha', 'filePaths'] });
    return { commit: info.sha, files: info.filePaths };
  } catch (error) {
    throw hubFailure(error, repo, `file list (${revision})`, settings);
  }
}

async function hubCheckpoint(client: HubClient, repo: string, commit: string, weightsFile: string | null, settings: HubSettings): Promise<CheckpointShapes | null> {
  if (weightsFile === null) return null;
  try {
    return { source: repo, tensors: await fetchHubTensorShapes(client, repo, commit, weightsFile) };
  } catch (error) {
    throw hubFailure(error, repo, `safetensors headers`, settings);
  }
}
