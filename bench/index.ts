/**
 * `npm run bench`: every benchmark, each in its own process so its peak RSS is its own. Name some to run only
 * those: `npm run bench -- plan quantize`. Large ones write a few GB to the temp folder and delete them.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const BENCHES: Record<string, { file: string; args: string[]; what: string }> = {
  plan: { file: 'plan.ts', args: [], what: 'planner on a 10,000-module table' },
  quantize: { file: 'quantize.ts', args: ['512'], what: 'int4/int8 quantization throughput on 512 MiB of fp32 weights' },
  'split-report': { file: 'split-report.ts', args: [], what: 'split + validation report with peak RSS per split' },
  'onnx-large': { file: 'onnx-large.ts', args: [], what: 'write and re-read a > 2 GiB model with bounded memory' },
  'build-large': { file: 'build-large.ts', args: [], what: 'build a 2.5 GB checkpoint, against cp of the same bytes' },
  memory: { file: 'memory.ts', args: ['--repeat', '3'], what: 'ONNX Runtime allocation estimate vs measured peak per split (llama, qwen2, phi3 × fp32, fp16, int4)' },
  generate: { file: 'generate.ts', args: [], what: 'olive generate on a 2.5 GB checkpoint (int4): unsplit vs 4 splits resident and --low-memory' },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exitCode = 2;
} else {
  const runner = path.join(import.meta.dirname, '..', 'bin', 'run-ts.js');
  for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
    const bench = BENCHES[name];
    console.log(`\n=== ${name}: ${bench.what}`);
    const run = spawnSync(process.execPath, [runner, path.join(import.meta.dirname, bench.file), ...bench.args], { stdio: 'inherit' });
    if (run.status !== 0) {
      console.error(`benchmark ${name} failed (exit ${run.status})`);
      process.exitCode = 1;
    }
  }
}
