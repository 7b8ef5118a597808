/** External data is untrusted input: locations that leave the model's folder, or ranges past the file, are refused. */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { OliveError } from '../../src/errors.ts';
import { encodeModel } from '../../src/onnx/proto.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { getTensorSource, readSource } from '../../src/onnx/tensor-source.ts';
import type { ModelProto } from '../../src/onnx/types.ts';
import { useTempDirs } from './helpers.ts';

const DATA_BYTES = 8192;
const tempDir = useTempDirs();

function modelPointingAt(entries: Record<string, string>): ModelProto {
  const external_data = Object.entries(entries).map(([key, value]) => ({ key, value }));
  return {
    ir_version: 10,
    opset_import: [{ domain: '', version: 21 }],
    graph: { name: 'g', initializer: [{ name: 'weights.0', dims: [16], data_type: 1, data_location: 1, external_data }] },
  };
}

/** A model folder holding `weights.bin`, and a sibling folder outside it holding `secret.bin`. */
async function modelFolder(entries: Record<string, string>, prepare?: (dir: string, outside: string) => Promise<void>) {
  const root = await tempDir();
  const dir = path.join(root, 'model');
  const outside = path.join(root, 'outside');
  await mkdir(dir);
  await mkdir(outside);
  await writeFile(path.join(dir, 'weights.bin'), new Uint8Array(DATA_BYTES).fill(1));
  await writeFile(path.join(outside, 'secret.bin'), new Uint8Array(DATA_BYTES).fill(2));
  await prepare?.(dir, outside);
  const file = path.join(dir, 'model.onnx');
  await writeFile(file, encodeModel(modelPointingAt(entries)));
  return { file, outside };
}

async function refusal(file: string): Promise<OliveError> {
  const error = await readModel(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OliveError);
  expect((error as Error).message).toContain("tensor 'weights.0'");
  expect((error as Error).message).not.toContain('\n');
  return error as OliveError;
}

describe('unsafe external data is refused, naming the tensor', () => {
  test('an absolute location', async () => {
    const { file, outside } = await modelFolder({});
    const absolute = path.join(outside, 'secret.bin');
    await writeFile(file, encodeModel(modelPointingAt({ location: absolute })));
    expect((await refusal(file)).message).toMatch(/is absolute/);
  });

  test('a Windows absolute location', async () => {
    const { file } = await modelFolder({ location: 'C:\\weights.bin' });
    expect((await refusal(file)).message).toMatch(/is absolute/);
  });

  test.each(['../outside/secret.bin', 'sub/../../outside/secret.bin', 'sub/..\\weights.bin'])("a location containing '..': %s", async (location) => {
    const { file } = await modelFolder({ location });
    expect((await refusal(file)).message).toMatch(/contains '\.\.'/);
  });

  test("a symlink that leaves the model's folder", async () => {
    const { file } = await modelFolder({ location: 'link.bin' }, (dir, outside) => symlink(path.join(outside, 'secret.bin'), path.join(dir, 'link.bin')));
    expect((await refusal(file)).message).toMatch(/leaves the model's folder/);
  });

  test('a symlinked folder that leaves the model folder', async () => {
    const { file } = await modelFolder({ location: 'linked/secret.bin' }, (dir, outside) => symlink(outside, path.join(dir, 'linked')));
    expect((await refusal(file)).message).toMatch(/leaves the model's folder/);
  });

  test.each([
    [{ offset: String(DATA_BYTES + 1) }, /beyond the end/],
    [{ offset: '4096', length: String(DATA_BYTES) }, /beyond the end/],
    [{ offset: '-1' }, /not a decimal integer/],
    [{ length: '1e3' }, /not a decimal integer/],
  ])('a range past the file or malformed: %j', async (range, message) => {
    const { file } = await modelFolder({ location: 'weights.bin', ...range });
    expect((await refusal(file)).message).toMatch(message);
  });

  test('a missing file and a missing location', async () => {
    expect((await refusal((await modelFolder({ location: 'nope.bin' })).file)).message).toMatch(/not found/);
    expect((await refusal((await modelFolder({ offset: '0' })).file)).message).toMatch(/no 'location'/);
  });

  test('a safe location, even through a symlink inside the folder, is accepted', async () => {
    const { file } = await modelFolder({ location: 'alias.bin', offset: '4096', length: '64' }, (dir) =>
      symlink(path.join(dir, 'weights.bin'), path.join(dir, 'alias.bin')),
    );
    const { model } = await readModel(file);
    const bytes = await readSource(getTensorSource(model.graph!.initializer![0])!);
    expect(Buffer.from(bytes).equals(Buffer.alloc(64, 1))).toBe(true);
  });
});
