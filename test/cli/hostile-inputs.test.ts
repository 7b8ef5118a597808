/**
 * Hostile inputs (#16): configs that disagree with their checkpoint or hold values of the wrong kind, special
 * files, huge context lengths, stray layer indices in an ONNX model, oversized cost tables, overlapping
 * safetensors, -o naming a folder, and system errors: each ends in one clear line, fast, without a big allocation.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.ts';
import { parseConfig } from '../../src/hf/config.ts';
import { resolveModelSource } from '../../src/hf/resolve-model-source.ts';
import { parseSafetensorsHeader } from '../../src/hf/safetensors.ts';
import { readCostCsv } from '../../src/cost/read-cost-csv.ts';
import { describeError } from '../../src/fs/describe-error.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';
import { runOlive as olive } from './run-olive.ts';

const FIXTURE = path.resolve('fixtures/tiny-llama');
const tempDir = useTempDirs('olive-hostile');

async function fixtureWithConfig(change: Record<string, unknown>): Promise<string> {
  const dir = path.join(await tempDir(), 'model');
  await cp(FIXTURE, dir, { recursive: true });
  const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ ...config, ...change }));
  return dir;
}

const oneLine = /^error: [^\n]+\n$/;

describe('config.json against its checkpoint and named limits', () => {
  it('num_hidden_layers 10000000 beside a 4-layer checkpoint: refused at once', async () => {
    const dir = await fixtureWithConfig({ num_hidden_layers: 10_000_000 });
    const started = Date.now();
    const run = await olive(['auto-opt', '-m', dir, '-o', path.join(dir, '..', 'out'), '--num-splits', '2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*config\.json'?: 'num_hidden_layers' = 10000000 is beyond the limit of 4096/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('num_hidden_layers within the limits but not what the checkpoint holds: refused', async () => {
    const dir = await fixtureWithConfig({ num_hidden_layers: 40 });
    await expect(resolveModelSource(dir, { weights: 'headers' })).rejects.toThrow(/num_hidden_layers is 40, the checkpoint has 4 layers/);
  });

  it('hidden_size that does not match the tensors: refused', async () => {
    const dir = await fixtureWithConfig({ hidden_size: 128 });
    await expect(resolveModelSource(dir, { weights: 'headers' })).rejects.toThrow(
      /'model\.embed_tokens\.weight' has shape \[192,64\], config\.json says \[vocab_size=192, hidden_size=128\]/,
    );
  });

  it('non-numeric and wrong-kind values are refused, naming the field', () => {
    const base = { vocab_size: 8, hidden_size: 8, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 1 };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ rms_norm_eps: 'x' }, /'rms_norm_eps' must be a positive number, got "x"/],
      [{ rope_theta: -1 }, /'rope_theta' must be a positive number/],
      [{ num_key_value_heads: 1.5 }, /'num_key_value_heads' must be a positive integer/],
      [{ tie_word_embeddings: 'yes' }, /'tie_word_embeddings' must be true or false/],
      [{ rope_scaling: { factor: 'big' } }, /'rope_scaling\.factor' must be a number/],
      [{ architectures: [null] }, /'architectures' must be a list of class names/],
      [{ max_position_embeddings: 1e12 }, /'max_position_embeddings' = 1000000000000 is beyond the limit/],
    ];
    for (const [change, message] of cases) {
      expect(() => parseConfig('config.json', JSON.stringify({ ...base, ...change }))).toThrow(message);
    }
    // a value nested 100,000 deep would overflow the stack where the config is written into model_config.json
    const deep = `${JSON.stringify(base).slice(0, -1)},"foo":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => parseConfig('config.json', deep)).toThrow(/nests arrays or objects more than 64 deep: refused/);
  });

  it('--context-length 100000000 on the tiny fixture: refused before the rotary caches are built', async () => {
    const out = path.join(await tempDir(), 'out');
    const started = Date.now();
    const run = await olive(['auto-opt', '-m', FIXTURE, '-o', out, '--context-length', '100000000', '--no-validate']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: context length 100000000 is more than 64 times the model's max_position_embeddings \(128\): refused\n$/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(out)).toBe(false);
    expect(await readdir(path.dirname(out))).toEqual([]);
  });
});

describe('special files are refused before they are opened', () => {
  for (const file of ['config.json', 'model.safetensors']) {
    it(`a FIFO as ${file} (generate-cost-model)`, async () => {
      const dir = await fixtureWithConfig({});
      await import('node:fs/promises').then((fs) => fs.rm(path.join(dir, file)));
      expect(spawnSync('mkfifo', [path.join(dir, file)]).status).toBe(0);
      const run = await olive(['generate-cost-model', '-m', dir, '-o', path.join(dir, '..', 'costs.csv')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^error: .*'${path.join(dir, file).replace(/[.]/g, '\\.')}' is a FIFO \\(named pipe\\), not a regular file: refused\\n$`));
    });
  }

  for (const file of ['tokenizer.json', 'generation_config.json']) {
    it(`a FIFO as ${file} (auto-opt)`, async () => {
      const dir = await fixtureWithConfig({});
      await import('node:fs/promises').then((fs) => fs.rm(path.join(dir, file)));
      expect(spawnSync('mkfifo', [path.join(dir, file)]).status).toBe(0);
      const run = await olive(['auto-opt', '-m', dir, '-o', path.join(dir, '..', 'out'), '--no-validate']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/is a FIFO \(named pipe\), not a regular file: refused\n$/);
    });
  }

  it('a config.json of hundreds of MB is refused before it is read', async () => {
    const dir = await fixtureWithConfig({});
    await writeFile(path.join(dir, 'config.json'), Buffer.alloc(20 * 1024 * 1024, 0x20));
    await expect(resolveModelSource(dir, { weights: 'headers' })).rejects.toThrow(/config\.json '.+' is 20971520 bytes, beyond the limit of 16777216: refused/);
  });

  it('a device as a cost table', async () => {
    await expect(readCostCsv('/dev/zero')).rejects.toThrow('cost model /dev/zero is not a file');
  });
});

describe('sizes claimed by files are bounded', () => {
  it('overlapping safetensors data_offsets are refused', () => {
    const header = { a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } };
    const json = Buffer.from(JSON.stringify(header));
    expect(() => parseSafetensorsHeader('x.safetensors', json, 8 + json.length + 24)).toThrow(new ParseError('x.safetensors', "tensors 'a' and 'b' overlap: their data_offsets share bytes"));
  });

  it('a cost table of a million rows is refused before it is read', async () => {
    const file = path.join(await tempDir(), 'huge.csv');
    const row = 'model.layers.0.mlp.down_proj,100,100,100\n';
    await writeFile(file, `module,num_params,num_bytes,num_flops\n${row.repeat(1_000_000)}`);
    const before = process.memoryUsage().rss;
    await expect(readCostCsv(file)).rejects.toThrow(/is \d+ bytes, beyond the limit of 8388608 for a cost table: refused/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('an ONNX node naming layer 9,999,999 is refused, not planned for', async () => {
    const dir = await tempDir();
    const built = path.join(dir, 'built');
    expect((await olive(['auto-opt', '-m', FIXTURE, '-o', built, '--no-validate'])).code).toBe(0);
    const { model } = await readModel(path.join(built, 'model.onnx'));
    const node = model.graph!.node!.find((n) => n.metadata_props?.some((p) => p.key === 'module' && p.value?.startsWith('model.layers.1.')))!;
    node.metadata_props = node.metadata_props!.map((p) => (p.key === 'module' ? { ...p, value: 'model.layers.9999999.mlp' } : p));
    const hostile = path.join(dir, 'hostile', 'model.onnx');
    await mkdir(path.dirname(hostile));
    await writeModel(hostile, model);
    const run = await olive(['auto-opt', '-m', hostile, '-o', path.join(dir, 'out'), '--num-splits', '2', '--no-validate']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*a node names model\.layers\.9999999, beyond the limit of 4096 layers: refused\n$/);
  });
});

describe('output paths and system errors', () => {
  it('generate-cost-model -o dir/ is refused instead of writing dir/.csv', async () => {
    const dir = await tempDir();
    const run = await olive(['generate-cost-model', '-m', FIXTURE, '-o', `${dir}/`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: output path '.+\/' is a folder: give a file name, e\.g\. '.+cost-model\.csv'\n$/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a file name too long for the file system: one plain line', async () => {
    const run = await olive(['auto-opt', '-m', FIXTURE, '-o', path.join(await tempDir(), 'x'.repeat(300)), '--no-validate']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(oneLine);
    expect(run.stderr).toMatch(/a file name in the path is too long \(ENAMETOOLONG/);
  });

  it('engine texts are said plainly', () => {
    expect(describeError(new TypeError("Cannot read properties of null (reading 'x')"))).toMatch(/^the input lacks a field it needs/);
    expect(describeError(new RangeError('Maximum call stack size exceeded'))).toMatch(/^the input is nested too deeply/);
    expect(describeError(new RangeError('Invalid typed array length: 99999999999'))).toMatch(/^a size given in the input is too large/);
    expect(describeError(Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR', syscall: 'read' }))).toBe(
      'is a folder where a file was expected (EISDIR, read)',
    );
    expect(describeError(Object.assign(new Error('x'), { code: 'ENOTDIR', path: '/a/b' }))).toBe("'/a/b': a part of the path is a file, not a folder (ENOTDIR)");
  });
});
