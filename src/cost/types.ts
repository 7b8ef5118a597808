/** One row of a cost table (Olive's CSV: module,num_params,num_bytes,num_flops). */
export interface CostRow {
  /** Dotted module path, e.g. model.layers.3.self_attn.qkv_proj */
  module: string;
  numParams: number;
  numBytes: number;
  /** FLOPs per token (batch 1, sequence 1). */
  numFlops: number;
}

