/**
 * What ONNX Runtime allocates for one split, per execution provider: the one place the runtime estimate is made.
 * Batch 1, a prefill of `tokens` tokens over an empty KV cache (the measurement in runtime/validate-split.ts runs
 * exactly that, so estimate and measurement describe the same thing).
 *
 *   peak = fixed overhead + max(weights at load + the largest original being packed,
 *                               weights at load + embedding rows paged in + KV cache + activations)
 *
 * - fixed overhead: what an empty session costs (thread pools, arena, kernel registry). It differs by machine and
 *   build, so it is measured once per machine from an empty session (runtime/measure-ort-overhead.ts), not
 *   modelled; 0 when not measured.
 * - weights at load, CPU: MatMul and Gemm with a constant weight prepack it (MatMul<float>::PrePack → MLAS
 *   MlasGemmPackB) into a buffer as large as the weight, and the original is released once packed; while one
 *   weight is being packed its original and its packed copy are both alive, so the load peak holds the largest
 *   weight twice. A tied embedding is used twice: Gather keeps the table and Gemm(transB) packs a second copy.
 *   fp16 MatMul has no x86 CPU kernel: ONNX Runtime casts the weight to fp32 and packs that. MatMulNBits repacks
 *   its blocks into MLAS's layout (MlasQNBitGemmPackQuantBData). Gather tables stay in the memory-mapped data
 *   file: only the pages a run reads become resident.
 * - weights at load, CUDA: each weight copied to the device once, no packing (cuBLAS reads the layout as is).
 * - KV cache: the present tensors at `tokens`; activations: a decoder layer's intermediates for the prefill
 *   (q/k/v, gate, up, their product, hidden in and out; CPU GroupQueryAttention goes through the scores head by
 *   head, never holding tokens × tokens for every head), the logits for the split holding lm_head, the hidden
 *   state handed on otherwise. onnxruntime-node copies each output into a JavaScript buffer, so on the host every
 *   output (present tensors, logits, hidden state) is held twice when a run returns.
 *
 * The constants below were read from ONNX Runtime's sources and checked against onnxruntime-node 1.30 on x86-64
 * Linux by `npm run bench -- memory` (measured / estimated per split, llama, qwen2 and phi3 at fp32, fp16, int4).
 */
import type { ExecutionProvider } from '../providers.ts';

/** Bytes of an fp32 MLAS-packed weight per byte of the weight (packing reorders, it does not widen). */
export const CPU_PACKED_FP32_PER_BYTE = 1;
/** fp16 MatMul weights on x86 CPU: cast to fp32 (2×) at load, then packed; measured 2.0× per fp16 byte. */
export const CPU_PACKED_FP16_PER_BYTE = 2;
/** MatMulNBits on CPU: MLAS's packed 4-bit blocks plus their scales (and block sums for accuracy level 4). */
export const CPU_NBITS_PER_BYTE = 1.4;
/** fp16 embedding tables on x86 CPU: cast to fp32 by ONNX Runtime's constant folding, so resident at 2×. */
export const CPU_FP16_TABLE_PER_BYTE = 2;
/**
 * On CPU, fp16 graphs compute in fp32 (ONNX Runtime inserts casts around the fp16 ops x86 lacks): intermediates
 * are 4 bytes per element, and an fp16 output is first made in fp32.
 */
export const CPU_COMPUTE_BYTES = 4;
/**
 * A Gather reading one row of a memory-mapped table makes the kernel map the pages around it (Linux
 * fault_around_bytes, 64 KiB by default, mm/memory.c), so each prefill token pages in up to this much of the table.
 */
export const GATHER_PAGE_IN_BYTES_PER_TOKEN = 64 * 1024;
/** Each output a run returns lives in ONNX Runtime's buffer and in onnxruntime-node's JavaScript copy. */
export const HOST_OUTPUT_COPIES = 2;
/** On CUDA the device holds outputs once (the host copy is host memory, not counted against the device). */
export const DEVICE_OUTPUT_COPIES = 1;
/**
 * A tied lm_head is Reshape → Gemm(transB) → Reshape (src/convert/linear.ts: Gemm takes 2-D input only); the last
 * Reshape's output is the graph output, and ONNX Runtime copies the logits into it: one copy more.
 */
export const TIED_LOGITS_EXTRA_COPIES = 1;

/** The weights of one split by the way ONNX Runtime holds them. */
export interface WeightUses {
  /** Float weights of MatMul/Gemm (a tied lm_head counts here and its table again in tableBytes). */
  matmulFp32Bytes: number;
  matmulFp16Bytes: number;
  /** Quantized MatMulNBits weights with their scales. */
  nbitsBytes: number;
  /** fp32 embedding tables read by Gather. */
  tableBytes: number;
  /** fp16 embedding tables: on CPU cast to fp32 at load, so resident (twice their size) rather than mapped. */
  tableFp16Bytes: number;
  /** Norm weights, biases, rotary caches: loaded as they are. */
  otherBytes: number;
  /** The largest single MatMul/Gemm weight of each kind, alive twice while it is packed. */
  largestFp32Bytes: number;
  largestFp16Bytes: number;
  largestNbitsBytes: number;
}

/** The model sizes the activation and KV-cache terms need (batch 1). */
export interface AllocationShape {
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  hiddenSize: number;
  intermediateSize: number;
  vocabSize: number;
  /** Bytes per element of the I/O, KV cache and activations (fp32 4, fp16 2). */
  ioBytes: number;
  /** lm_head shares the embedding table (tie_word_embeddings). */
  tiedEmbeddings?: boolean;
  /** Phi-3's packed qkv_proj and gate_up_proj. */
  fusedProjections?: boolean;
}

export interface SplitContents {
  weights: WeightUses;
  /** Decoder layers whose KV cache the split holds. */
  kvLayers: number;
  holdsLogits: boolean;
}

export interface AllocationEstimate {
  overheadBytes: number;
  /** Weights as ONNX Runtime holds them once loaded (packed copies included, transient originals not). */
  loadedWeightBytes: number;
  /** The load peak above the overhead: loaded weights plus the largest original being packed. */
  loadPeakBytes: number;
  /** Embedding table pages a prefill of `tokens` brings in. */
  tablePagedBytes: number;
  kvCacheBytes: number;
  activationBytes: number;
  /** The whole peak: overhead + the larger of the load peak and the run. */
  totalBytes: number;
}

export function loadedWeightBytes(weights: WeightUses, provider: ExecutionProvider): number {
  if (provider === 'CUDAExecutionProvider') {
    return weights.matmulFp32Bytes + weights.matmulFp16Bytes + weights.nbitsBytes + weights.tableBytes + weights.tableFp16Bytes + weights.otherBytes;
  }
  return (
    weights.matmulFp32Bytes * CPU_PACKED_FP32_PER_BYTE +
    weights.matmulFp16Bytes * CPU_PACKED_FP16_PER_BYTE +
    weights.nbitsBytes * CPU_NBITS_PER_BYTE +
    weights.tableFp16Bytes * CPU_FP16_TABLE_PER_BYTE +
    weights.otherBytes
  );
}

/** The transient at load: on CPU the largest original (as packed) while its packed copy is written. */
export function loadTransientBytes(weights: WeightUses, provider: ExecutionProvider): number {
  if (provider === 'CUDAExecutionProvider') return 0;
  return Math.max(
    weights.largestFp32Bytes * CPU_PACKED_FP32_PER_BYTE,
    weights.largestFp16Bytes * CPU_PACKED_FP16_PER_BYTE,
    weights.largestNbitsBytes * CPU_NBITS_PER_BYTE,
  );
}

export function kvCacheBytes(shape: AllocationShape, kvLayers: number, tokens: number): number {
  return kvLayers * 2 * shape.numKvHeads * shape.headDim * tokens * shape.ioBytes;
}

/**
 * CPU GroupQueryAttention copies q, k and v into its own head-major buffers (rotary applied on the way) before
 * attending (contrib_ops/cpu/bert/group_query_attention.cc): the projections' width once more per token.
 */
export const GQA_QKV_COPIES = 1;

/**
 * Hidden-width tensors of one layer alive in a prefill: the layer's input, the attention output, o_proj's output,
 * SkipSimplifiedLayerNormalization's normed output and its input+skip sum (the residual handed on), down_proj's
 * output (src/convert/decoder-layer.ts).
 */
export const LAYER_HIDDEN_TENSORS = 6;

/**
 * A decoder layer's live intermediates per token: q, k, v and GroupQueryAttention's copy of them; gate, up and their
 * product (a fused gate_up_proj also holds its output before the Split into the two); the hidden-width tensors.
 */
export function layerIntermediateBytesPerToken(shape: AllocationShape): number {
  const qkv = (shape.numHeads + 2 * shape.numKvHeads) * shape.headDim;
  const fusedGateUp = shape.fusedProjections ? 2 * shape.intermediateSize : 0;
  return ((1 + GQA_QKV_COPIES) * qkv + 3 * shape.intermediateSize + fusedGateUp + LAYER_HIDDEN_TENSORS * shape.hiddenSize) * shape.ioBytes;
}

/** Intermediates and outputs of a prefill of `tokens` tokens (the KV cache's output copies included here). */
export function activationBytes(contents: Pick<SplitContents, 'kvLayers' | 'holdsLogits'>, shape: AllocationShape, provider: ExecutionProvider, tokens: number): number {
  const onCpu = provider !== 'CUDAExecutionProvider';
  const copies = onCpu ? HOST_OUTPUT_COPIES : DEVICE_OUTPUT_COPIES;
  const computeBytes = onCpu ? Math.max(CPU_COMPUTE_BYTES, shape.ioBytes) : shape.ioBytes;
  const computed = { ...shape, ioBytes: computeBytes };
  const intermediates = contents.kvLayers > 0 ? tokens * layerIntermediateBytesPerToken(computed) : 0;
  const handedOnElements = tokens * (contents.holdsLogits ? shape.vocabSize : shape.hiddenSize);
  const madeInFp32 = onCpu && shape.ioBytes < CPU_COMPUTE_BYTES ? CPU_COMPUTE_BYTES : 0;
  const handedOnCopies = copies + (contents.holdsLogits && shape.tiedEmbeddings ? TIED_LOGITS_EXTRA_COPIES : 0);
  const kvCopies = (copies - 1) * kvCacheBytes(shape, contents.kvLayers, tokens);
  return intermediates + handedOnElements * (madeInFp32 + handedOnCopies * shape.ioBytes) + kvCopies;
}

/** A split's weights once loaded: what the estimate needs when remade for another length (split_plan.json keeps it). */
export interface LoadedSplit {
  loadedWeightBytes: number;
  loadTransientBytes: number;
  /** Tables left in the memory-mapped data file, paged in as rows are read (0 on CUDA: copied at load). */
  mappedTableBytes: number;
  kvLayers: number;
  holdsLogits: boolean;
}

export interface EstimateOptions {
  provider: ExecutionProvider;
  tokens: number;
  overheadBytes: number;
}

export function loadSplit(contents: SplitContents, provider: ExecutionProvider): LoadedSplit {
  return {
    loadedWeightBytes: loadedWeightBytes(contents.weights, provider),
    loadTransientBytes: loadTransientBytes(contents.weights, provider),
    mappedTableBytes: provider === 'CUDAExecutionProvider' ? 0 : contents.weights.tableBytes,
    kvLayers: contents.kvLayers,
    holdsLogits: contents.holdsLogits,
  };
}

export function estimateAllocation(contents: SplitContents, shape: AllocationShape, options: EstimateOptions): AllocationEstimate {
  return estimateLoadedSplit(loadSplit(contents, options.provider), shape, options);
}

export function estimateLoadedSplit(split: LoadedSplit, shape: AllocationShape, options: EstimateOptions): AllocationEstimate {
  const { provider, tokens, overheadBytes } = options;
  const loaded = Math.ceil(split.loadedWeightBytes);
  const loadPeak = loaded + Math.ceil(split.loadTransientBytes);
  const paged = Math.min(split.mappedTableBytes, tokens * GATHER_PAGE_IN_BYTES_PER_TOKEN);
  const kv = kvCacheBytes(shape, split.kvLayers, tokens);
  const activations = activationBytes(split, shape, provider, tokens);
  return {
    overheadBytes,
    loadedWeightBytes: loaded,
    loadPeakBytes: loadPeak,
    tablePagedBytes: paged,
    kvCacheBytes: kv,
    activationBytes: activations,
    totalBytes: Math.ceil(overheadBytes + Math.max(loadPeak, loaded + paged + kv + activations)),
  };
}
