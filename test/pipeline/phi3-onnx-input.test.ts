/**
 * A Phi-3 long-rope ONNX model given with -m: its rotary caches live in If branches, which ONNX Runtime's optimizer
 * writes twice (inline and external) and the splitter's type inference must read from the external data file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDecoder } from '../../src/convert/index.ts';
import { runOlive as olive } from '../cli/run-olive.ts';

const FIXTURE = path.resolve('fixtures/tiny-phi3');

let work: string;
let onnxModel: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'olive-phi3-onnx-'));
  const built = await buildDecoder({ modelDir: FIXTURE, outDir: path.join(work, 'built'), precision: 'fp32', provider: 'CPUExecutionProvider' });
  onnxModel = built.modelPath;
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('auto-opt -m <phi3 model.onnx>', () => {
  it('int4 without splitting writes a model that loads', async () => {
    const run = await olive(['auto-opt', '-m', onnxModel, '--precision', 'int4', '-o', path.join(work, 'int4')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('--num-splits 2 splits it and the cascade validates', async () => {
    const run = await olive(['auto-opt', '-m', onnxModel, '--num-splits', '2', '-o', path.join(work, 'split')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('→ PASSED');
  });
});
