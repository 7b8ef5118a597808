/**
 * A model argument (local folder or hub id) made ready to read: config.json and tensor shapes, and for 'full'
 * every file a conversion needs in the shared hub cache. Offline (HF_HUB_OFFLINE) only the cache is used.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { modelInfo } from '@huggingface/hub';
import type { CheckpointShapes } from '../arch/types.ts';
import { OliveError } from '../errors.ts';
import { readConfig, type HfConfig } from './config.ts';
import { plainComponent } from '../fs/safe-path.ts';
import { requireConfigMatchesCheckpoint } from './check-config-shapes.ts';
import { downloadToCache } from './download-to-cache.ts';
import { fetchHubTensorShapes } from './fetch-hub-tensor-shapes.ts';
import { cachedCommit, repoCacheDir, snapshotDir, writeRef } from './hub-cache.ts';
import { hubClient, hubFailure, HubUnreachableError, type HubClient } from './hub-client.ts';
import { snapshotFiles, weightsEntryFile } from './hub-files.ts';
import { hubSettings, type HubSettings } from './hub-settings.ts';
import { localCheckpointShapes } from './local-checkpoint-shapes.ts';
import { parseModelArgument } from './model-argument.ts';
import type { ModelSource, ResolveModelOptions } from './model-source.ts';

export const DEFAULT_REVISION = 'main';
const CONFIG_FILE = 'config.json';
const NO_SAFETENSORS = 'no model.safetensors or model.safetensors.index.json: only safetensors checkpoints can be converted';

/** The model ready to read, its config.json checked against its checkpoint's tensors. */
export async function resolveModelSource(idOrPath: string, options: ResolveModelOptions): Promise<ModelSource> {
  const source = await resolveUnchecked(idOrPath, options);
  requireConfigMatchesCheckpoint(source.config, source.checkpoint);
  return source;
}

async function resolveUnchecked(idOrPath: string, options: ResolveModelOptions): Promise<ModelSource> {
  const argument = parseModelArgument(idOrPath);
  if (argument.kind === 'local') return localModelSource(argument.dir, options);
  const settings = hubSettings(options.env);
  if (settings.offline) return cachedHubSource(argument.repo, settings, options, 'HF_HUB_OFFLINE is set');
  try {
    return await fetchedHubSource(argument.repo, settings, options);
  } catch (error) {
    // like Python: with the hub out of reach, a snapshot already in the cache is used instead
    const revision = options.revision ?? DEFAULT_REVISION;
    if (error instanceof HubUnreachableError && (await cachedSnapshot(argument.repo, settings, revision))) {
      return cachedHubSource(argument.repo, settings, options, `${settings.endpoint} is unreachable`);
    }
    throw error;
  }
}

/** The cached snapshot of a revision, when the cache has its config.json. */
async function cachedSnapshot(repo: string, settings: HubSettings, revision: string): Promise<{ commit: string; dir: string } | null> {
  const repoDir = repoCacheDir(settings.cacheDir, repo);
  const commit = await cachedCommit(repoDir, revision);
  if (commit === null) return null;
  const dir = snapshotDir(repoDir, commit);
  return existsSync(path.join(dir, CONFIG_FILE)) ? { commit, dir } : null;
}

/** config.json, judged by the caller's checkConfig before anything else is read. */
async function checkedConfig(dir: string, options: ResolveModelOptions): Promise<HfConfig> {
  const config = await readConfig(dir);
  options.checkConfig?.(config);
  return config;
}

async function localModelSource(dir: string, options: ResolveModelOptions): Promise<ModelSource> {
  const config = await checkedConfig(dir, options);
  const checkpoint = await localCheckpointShapes(dir, dir);
  if (options.weights === 'full' && checkpoint === null) {
    throw new OliveError(`${dir} has ${NO_SAFETENSORS}${onnxModelHint(dir)}`);
  }
  return { kind: 'local', id: dir, dir, config, checkpoint };
}

/** An auto-opt output folder holds config.json beside its model.onnx, so it reads as a Hugging Face folder. */
function onnxModelHint(dir: string): string {
  const onnxFile = readdirSync(dir).find((name) => name.endsWith('.onnx'));
  return onnxFile ? `; to use the ONNX model in it, give -m ${path.join(dir, onnxFile)}` : '';
}

/** The model from the cache alone; `why` says in errors why the hub was not asked. */
async function cachedHubSource(repo: string, settings: HubSettings, options: ResolveModelOptions, why: string): Promise<ModelSource> {
  const revision = options.revision ?? DEFAULT_REVISION;
  const snapshot = await cachedSnapshot(repo, settings, revision);
  if (snapshot === null) {
    throw new OliveError(`${why} and '${repo}' (${revision}) is not in the hub cache ${settings.cacheDir}`);
  }
  const { commit, dir } = snapshot;
  const config = await checkedConfig(dir, options);
  // a cost table can do with config.json alone; a conversion needs every shard
  const checkpoint = await localCheckpointShapes(dir, repo, options.weights === 'headers');
  if (options.weights === 'full' && checkpoint === null) {
    throw new OliveError(`${why} and the hub cache has no safetensors weights for '${repo}' in ${dir}`);
  }
  return { kind: 'hub', id: repo, dir, commit, config, checkpoint };
}

/** One hub repository being read: who to ask, and where its cache lives. */
interface HubRepoContext {
  client: HubClient;
  settings: HubSettings;
  repo: string;
  repoDir: string;
}

async function fetchedHubSource(repo: string, settings: HubSettings, options: ResolveModelOptions): Promise<ModelSource> {
  const context = { client: hubClient(settings, options.fetch), settings, repo, repoDir: repoCacheDir(settings.cacheDir, repo) };
  const revision = options.revision ?? DEFAULT_REVISION;
  const { commit, files } = await repoFiles(context, revision);
  await writeRef(context.repoDir, revision, commit);
  if (!files.includes(CONFIG_FILE)) throw new OliveError(`'${repo}' on ${settings.endpoint} has no ${CONFIG_FILE}`);
  const weightsFile = weightsEntryFile(files);
  if (options.weights === 'full' && weightsFile === null) {
    throw new OliveError(`'${repo}' has ${NO_SAFETENSORS}`);
  }
  const download = (file: string) =>
    downloadToCache({ ...context, commit, file, onProgress: options.onProgress }).catch((error: unknown) => {
      throw hubFailure(error, repo, `download of ${file}`, settings, true);
    });
  // config.json first: a model the caller refuses costs no weight download
  await download(CONFIG_FILE);
  const dir = snapshotDir(context.repoDir, commit);
  const config = await checkedConfig(dir, options);
  if (options.weights === 'full') for (const file of snapshotFiles(files).filter((name) => name !== CONFIG_FILE)) await download(file);
  const checkpoint =
    options.weights === 'full' ? await localCheckpointShapes(dir, repo) : await hubCheckpoint(context, commit, weightsFile);
  return { kind: 'hub', id: repo, dir, commit, config, checkpoint };
}

async function repoFiles(context: HubRepoContext, revision: string): Promise<{ commit: string; files: string[] }> {
  try {
    const info = await modelInfo({ ...context.client, name: context.repo, revision, additionalFields: ['sha', 'filePaths'] });
    const files: unknown = info.filePaths;
    if (!Array.isArray(files) || !files.every((file) => typeof file === 'string')) {
      throw new OliveError(`file list (${revision}) of '${context.repo}' from ${context.settings.endpoint} is not a list of file names`);
    }
    return { commit: plainComponent(info.sha, `commit sha of '${context.repo}' from the hub`), files };
  } catch (error) {
    throw hubFailure(error, context.repo, `file list (${revision})`, context.settings);
  }
}

async function hubCheckpoint(context: HubRepoContext, commit: string, weightsFile: string | null): Promise<CheckpointShapes | null> {
  if (weightsFile === null) return null;
  try {
    return { source: context.repo, tensors: await fetchHubTensorShapes(context.client, context.repo, commit, weightsFile) };
  } catch (error) {
    throw hubFailure(error, context.repo, 'safetensors headers', context.settings, true);
  }
}
