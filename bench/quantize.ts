/**
 * Quantization throughput: a synthetic model holding QUANTIZE_BENCH_MB (default 512) MB of fp32 MatMul weights in
 * external data is read, quantized (int4 and int8, symmetric, block 32) and written, with 1 worker thread and
 * with the machine's parallelism (or the counts in QUANTIZE_BENCH_THREADS, e.g. "1,4,8,16"). Prints weights per
 * second for each run.
 *   node bin/run-ts.js bench/quantize.ts [megabytes]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataType } from '../src/onnx/data-types.ts';
import { readModel } from '../src/onnx/read-model.ts';
import { setTensorSource } from '../src/onnx/tensor-source.ts';
import type { ModelProto, NodeProto, TensorProto } from '../src/onnx/types.ts';
import { writeModel } from '../src/onnx/write-model.ts';
import { MAX_QUANTIZE_THREADS } from '../src/passes/quantize/options.ts';
import { quantizeWeights } from '../src/passes/quantize/quantize-weights.ts';
import { reportFigure } from './figures.ts';

const K = 2048;
const N = 4096;
const MATRIX_BYTES = K * N * 4;
/** Generated weights are written in pieces of this many values. */
const GENERATE_CHUNK_VALUES = 1 << 20;

const megabytes = Number(process.argv[2] ?? process.env.QUANTIZE_BENCH_MB ?? 512);
const matrices = Math.max(1, Math.round((megabytes * 1024 * 1024) / MATRIX_BYTES));

/** Pseudo-random normal-ish weights, produced chunk by chunk so the 512 MB never sit in memory. */
function randomWeights(seed: number): TensorSource {
  return {
    kind: 'producer',
    length: MATRIX_BYTES,
    produce: async function* () {
      let state = seed >>> 0 || 1;
      for (let done = 0; done < K * N; done += GENERATE_CHUNK_VALUES) {
        const chunk = new Float32Array(Math.min(GENERATE_CHUNK_VALUES, K * N - done));
        for (let i = 0; i < chunk.length; i++) {
          state ^= state << 13;
          state ^= state >>> 17;
          state ^= state << 5;
          chunk[i] = ((state >>> 0) / 2 ** 32 - 0.5) * 0.04;
        }
        yield new Uint8Array(chunk.buffer);
      }
    },
  };
}
type TensorSource = Parameters<typeof setTensorSource>[1];

/** Half the products MatMul(x, W[K, N]), half MatMul(x, Transpose(W[N, K])): both weight layouts. */
function syntheticModel(): ModelProto {
  const node: NodeProto[] = [];
  const initializer: TensorProto[] = [];
  let value = 'x';
  for (let i = 0; i < matrices; i++) {
    const transposed = i % 2 === 1;
    const weight: TensorProto = { name: `w${i}`, data_type: DataType.FLOAT, dims: transposed ? [N, K] : [K, N] };
    initializer.push(setTensorSource(weight, randomWeights(i + 1)));
    const b = transposed ? `w${i}_t` : `w${i}`;
    if (transposed) node.push({ op_type: 'Transpose', name: `t${i}`, input: [`w${i}`], output: [b] });
    node.push({ op_type: 'MatMul', name: `m${i}`, input: [value, b], output: [`y${i}`] });
    value = `y${i}`;
  }
  return {
    ir_version: 10,
    opset_import: [{ domain: '', version: 21 }],
    graph: {
      name: 'bench',
      node,
      initializer,
      input: [{ name: 'x', type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_param: 'm' }, { dim_value: K }] } } } }],
      output: [{ name: value, type: { tensor_type: { elem_type: DataType.FLOAT } } }],
    },
  };
}

const rates = new Map<string, number>();

async function run(source: string, outDir: string, bits: 4 | 8, threads: number): Promise<void> {
  const { model } = await readModel(source);
  const started = performance.now();
  const result = await quantizeWeights(model, { bits, threads });
  const written = await writeModel(path.join(outDir, `int${bits}-t${threads}.onnx`), result.model);
  const seconds = (performance.now() - started) / 1000;
  await result.close();
  const { elements, sourceBytes } = result.throughput();
  const rate = elements / seconds;
  const single = rates.get(`${bits}/1`);
  rates.set(`${bits}/${threads}`, rate);
  reportFigure({
    bench: 'quantize',
    figure: `int${bits} quantize + write, ${threads} worker thread${threads > 1 ? 's' : ''}, ${(elements / 1e6).toFixed(0)} M fp32 weights`,
    value: `${(rate / 1e6).toFixed(1)} M weights/s (${(sourceBytes / 2 ** 20 / seconds).toFixed(0)} MiB/s of fp32)`,
    ratio: single && threads > 1 ? `${(rate / single).toFixed(2)}× one thread` : undefined,
  });
  console.log(
    `int${bits} threads ${threads}: ${(elements / 1e6).toFixed(0)} M weights (${(sourceBytes / 2 ** 20).toFixed(0)} MiB fp32) in ${seconds.toFixed(2)} s ` +
      `= ${(elements / seconds / 1e6).toFixed(1)} M weights/s, ${(sourceBytes / 2 ** 20 / seconds).toFixed(0)} MiB/s; wrote ${(written.externalBytes / 2 ** 20).toFixed(1)} MiB`,
  );
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'olive-bench-quantize-'));
try {
  const source = path.join(dir, 'source.onnx');
  const generated = performance.now();
  await writeModel(source, syntheticModel());
  console.log(`${matrices} matrices of ${K}×${N} fp32 (${((matrices * MATRIX_BYTES) / 2 ** 20).toFixed(0)} MiB) generated in ${((performance.now() - generated) / 1000).toFixed(1)} s; ${os.availableParallelism()} CPUs`);
  const parallel = Math.min(os.availableParallelism(), MAX_QUANTIZE_THREADS);
  const threadCounts = process.env.QUANTIZE_BENCH_THREADS?.split(',').map(Number) ?? [...new Set([1, parallel])];
  for (const bits of [4, 8] as const) {
    for (const threads of threadCounts) await run(source, dir, bits, threads);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
