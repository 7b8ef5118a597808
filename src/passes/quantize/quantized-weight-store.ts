/**
 * The quantized tensors of a model, made when the model is written rather than all at once: each MatMulNBits
 * tensor is a 'producer' source. Asking for one weight starts the next few too (up to a memory budget), so the
 * worker pool stays busy while the writer streams tensors in order; a weight's bytes are dropped once all of
 * its tensors have been written.
 */
import { DataType } from '../../onnx/data-types.ts';
import type { TensorSource } from '../../onnx/tensor-source.ts';
import { WorkerPool } from '../../threads/worker-pool.ts';
import { siblingModule } from '../../runnable-module.ts';
import type { SlabJob, SlabResult } from './slab-job.ts';
import {
  quantizedSizes,
  quantizeWeight,
  settingsFor,
  type QuantizePool,
  type QuantizeSettings,
  type QuantizedSizes,
  type QuantizedWeightBytes,
  type WeightToQuantize,
} from './quantize-weight.ts';

/**
 * Quantized bytes started ahead of the writer stay under this budget (the weight being written always starts).
 * Each weight started also holds a slab or two of its source while it waits for a worker: two workers need only a
 * few weights ahead, and a larger budget only raises peak memory.
 */
export const LOOKAHEAD_BUDGET_BYTES = 32 * 1024 * 1024;
/** And at most this many weights are in flight at once, whatever their size. */
export const LOOKAHEAD_WEIGHTS = 2;

export type QuantizedPart = keyof QuantizedWeightBytes;

export interface QuantizeThroughput {
  weights: number;
  sourceBytes: number;
  elements: number;
  /** Wall time from the first weight started to the last finished. */
  seconds: number;
}

interface Entry {
  result: Promise<QuantizedWeightBytes>;
  partsLeft: number;
}

const WORKER_MODULE = siblingModule('./quantize-worker', import.meta.url);

export class QuantizedWeightStore {
  private readonly entries = new Map<number, Entry>();
  /** Weights whose every part was taken: the look-ahead does not quantize them again. */
  private readonly taken = new Set<number>();
  private pool: QuantizePool | undefined;
  private firstStart: number | undefined;
  private lastFinish = 0;
  private readonly done: { weights: number; sourceBytes: number; elements: number } = { weights: 0, sourceBytes: 0, elements: 0 };

  private readonly weights: WeightToQuantize[] = [];

  constructor(
    private readonly settings: QuantizeSettings,
    private readonly threads: number,
  ) {}

  /** Register a weight; the index it returns names it in sizes() and source(). */
  add(weight: WeightToQuantize): number {
    this.weights.push(weight);
    return this.weights.length - 1;
  }

  sizes(index: number): QuantizedSizes {
    const weight = this.weights[index];
    return quantizedSizes(weight.k, weight.n, settingsFor(weight, this.settings));
  }

  source(index: number, part: QuantizedPart): TensorSource {
    const length = this.sizes(index)[part];
    return { kind: 'producer', length, produce: () => this.take(index, part) };
  }

  throughput(): QuantizeThroughput {
    const seconds = this.firstStart === undefined ? 0 : (this.lastFinish - this.firstStart) / 1000;
    return { ...this.done, seconds };
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }

  private async take(index: number, part: QuantizedPart): Promise<Uint8Array> {
    this.startFrom(index);
    const entry = this.entries.get(index)!;
    const result = await entry.result;
    entry.partsLeft -= 1;
    if (entry.partsLeft === 0) {
      this.entries.delete(index);
      this.taken.add(index);
    }
    const bytes = result[part];
    if (!bytes) throw new RangeError(`weight '${this.weights[index].name}' has no ${part}`);
    return bytes;
  }

  private startFrom(index: number): void {
    let budget = LOOKAHEAD_BUDGET_BYTES - this.bytesInFlight();
    for (let next = index; next < this.weights.length; next++) {
      if (this.entries.has(next) || (next !== index && this.taken.has(next))) continue;
      const bytes = this.totalBytes(next);
      if (next !== index && (bytes > budget || this.entries.size >= LOOKAHEAD_WEIGHTS)) return;
      this.start(next);
      budget -= bytes;
    }
  }

  private start(index: number): void {
    const weight = this.weights[index];
    this.firstStart ??= Date.now();
    const result = quantizeWeight(weight, this.settings, this.workerPool()).then((bytes) => {
      this.lastFinish = Date.now();
      this.done.weights += 1;
      this.done.elements += weight.k * weight.n;
      this.done.sourceBytes += weight.k * weight.n * (weight.dataType === DataType.FLOAT16 ? 2 : 4);
      return bytes;
    });
    // A failure surfaces when the writer awaits this weight; until then it must not count as unhandled.
    result.catch(() => undefined);
    this.entries.set(index, { result, partsLeft: this.settings.symmetric ? 2 : 3 });
  }

  private bytesInFlight(): number {
    let total = 0;
    for (const index of this.entries.keys()) total += this.totalBytes(index);
    return total;
  }

  private totalBytes(index: number): number {
    const sizes = this.sizes(index);
    return sizes.packed + sizes.scales + sizes.zeroPoints;
  }

  private workerPool(): QuantizePool {
    this.pool ??= new WorkerPool<SlabJob, SlabResult>(WORKER_MODULE, this.threads, (job) => [job.bytes]);
    return this.pool;
  }
}
