/**
 * Write a model as `<name>.onnx` plus, for initializers at or above a size threshold, one external data file
 * `<name>.onnx.data`. Tensor bytes stream from their sources (file ranges, memory, producers) in chunks, so peak
 * memory does not grow with model size. Both files are written under temporary names and renamed at the end:
 * an interrupted write never leaves a half-written model in place.
 */
import { open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeModel } from './proto.ts';
import { getTensorSource, sourceLength, streamSource, type TensorSource } from './tensor-source.ts';
import { DataLocation, type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from './types.ts';

/** Tensors at least this large go to the data file; smaller ones stay inline (as onnx.save_model's default). */
export const DEFAULT_EXTERNAL_THRESHOLD_BYTES = 1024;
/** Offsets of external tensors are multiples of this, so a reader can mmap them page-aligned. */
export const EXTERNAL_ALIGN_BYTES = 4096;
/** Tensors over LARGE_TENSOR_BYTES start on a 64 KiB boundary (allocation granularity on Windows). */
export const LARGE_TENSOR_ALIGN_BYTES = 64 * 1024;
export const LARGE_TENSOR_BYTES = 1024 * 1024;
/** One protobuf message cannot exceed 2 GiB; ONNX Runtime refuses to parse a larger model file. */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

export interface WriteModelOptions {
  /** Put tensors of at least this many bytes in the data file; Infinity keeps everything inline. */
  externalThresholdBytes?: number;
  /** Data file name, relative to the model's folder. Default `<model file name>.data`. */
  dataFileName?: string;
  /** Called after each tensor written to the data file (progress reporting). */
  onTensorWritten?: (tensorName: string, bytes: number) => void;
}

export interface WriteModelResult {
  modelPath: string;
  /** Absent when no tensor went external. */
  dataPath: string | undefined;
  modelBytes: number;
  externalBytes: number;
  externalTensors: number;
}

export async function writeModel(file: string, model: ModelProto, options: WriteModelOptions = {}): Promise<WriteModelResult> {
  const threshold = options.externalThresholdBytes ?? DEFAULT_EXTERNAL_THRESHOLD_BYTES;
  const dataFileName = options.dataFileName ?? `${path.basename(file)}.data`;
  const dataPath = path.join(path.dirname(file), dataFileName);
  const suffix = `.tmp-${process.pid}-${Date.now()}`;
  const tmpModel = file + suffix;
  const tmpData = dataPath + suffix;

  const data = new DataFileWriter(tmpData, dataFileName, options.onTensorWritten);
  try {
    const graph = model.graph ? await relocateGraph(model.graph, threshold, data) : undefined;
    await data.close();
    const bytes = encodeModel({ ...model, graph });
    if (bytes.length > MAX_PROTOBUF_BYTES) {
      throw new RangeError(`model protobuf would be ${bytes.length} bytes, over the 2 GiB limit: lower the external data threshold`);
    }
    await writeFile(tmpModel, bytes);
    if (data.bytesWritten > 0) await rename(tmpData, dataPath);
    else await rm(dataPath, { force: true });
    await rename(tmpModel, file);
    return {
      modelPath: file,
      dataPath: data.bytesWritten > 0 ? dataPath : undefined,
      modelBytes: bytes.length,
      externalBytes: data.payloadBytes,
      externalTensors: data.tensorCount,
    };
  } finally {
    await data.close();
    await rm(tmpModel, { force: true });
    await rm(tmpData, { force: true });
  }
}

async function relocateGraph(graph: GraphProto, threshold: number, data: DataFileWriter): Promise<GraphProto> {
  const initializer: TensorProto[] = [];
  for (const tensor of graph.initializer ?? []) initializer.push(await relocateTensor(tensor, threshold, data));
  const node: NodeProto[] = [];
  for (const original of graph.node ?? []) node.push(await relocateNodeSubgraphs(original, threshold, data));
  return { ...graph, initializer, node };
}

async function relocateNodeSubgraphs(node: NodeProto, threshold: number, data: DataFileWriter): Promise<NodeProto> {
  if (!(node.attribute ?? []).some((a) => a.g || (a.graphs && a.graphs.length > 0))) return node;
  const attribute: AttributeProto[] = [];
  for (const a of node.attribute ?? []) {
    const copy: AttributeProto = { ...a };
    if (a.g) copy.g = await relocateGraph(a.g, threshold, data);
    if (a.graphs?.length) {
      copy.graphs = [];
      for (const g of a.graphs) copy.graphs.push(await relocateGraph(g, threshold, data));
    }
    attribute.push(copy);
  }
  return { ...node, attribute };
}

/** A copy of the tensor with its bytes either in the data file or inline as raw_data. */
async function relocateTensor(tensor: TensorProto, threshold: number, data: DataFileWriter): Promise<TensorProto> {
  const source = getTensorSource(tensor);
  if (!source) return tensor; // typed fields (float_data…) or no data: keep exactly as given
  const length = sourceLength(source);
  const { external_data: _e, data_location: _l, raw_data: _r, ...rest } = tensor;
  if (length < threshold) {
    return { ...rest, raw_data: await collect(source) };
  }
  const offset = await data.append(tensor.name ?? '', source, length);
  return {
    ...rest,
    data_location: DataLocation.EXTERNAL,
    external_data: [
      { key: 'location', value: data.location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

async function collect(source: TensorSource): Promise<Uint8Array> {
  if (source.kind === 'bytes') return source.bytes;
  const parts: Uint8Array[] = [];
  for await (const chunk of streamSource(source)) parts.push(chunk);
  return Buffer.concat(parts);
}

class DataFileWriter {
  bytesWritten = 0;
  payloadBytes = 0;
  tensorCount = 0;
  private handle: import('node:fs/promises').FileHandle | undefined;
  private closed = false;

  constructor(
    private readonly tmpPath: string,
    readonly location: string,
    private readonly onTensorWritten?: (name: string, bytes: number) => void,
  ) {}

  async append(name: string, source: TensorSource, length: number): Promise<number> {
    this.handle ??= await open(this.tmpPath, 'w');
    const align = length > LARGE_TENSOR_BYTES ? LARGE_TENSOR_ALIGN_BYTES : EXTERNAL_ALIGN_BYTES;
    const offset = Math.ceil(this.bytesWritten / align) * align;
    let at = offset;
    for await (const chunk of streamSource(source)) {
      await writeFully(this.handle, chunk, at);
      at += chunk.length;
    }
    if (at - offset !== length) throw new RangeError(`tensor '${name}': source gave ${at - offset} bytes, expected ${length}`);
    this.bytesWritten = at;
    this.payloadBytes += length;
    this.tensorCount += 1;
    this.onTensorWritten?.(name, length);
    return offset;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle?.close();
  }
}

async function writeFully(handle: import('node:fs/promises').FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position + done);
    done += bytesWritten;
  }
}
