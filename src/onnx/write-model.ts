/**
 * Write a model as `<name>.onnx` plus, for initializers at or above a size threshold, one external data file
 * `<name>.onnx.data`. Tensor bytes stream from their sources (file ranges, memory, producers) in chunks, so peak
 * memory does not grow with model size; so do large inline initializers (write-streamed-model.ts). Every other
 * field is kept as given: tensors stored in typed fields (float_data…) stay there, tensors inside attributes and
 * sparse tensors stay inline. Both files are written under temporary names and renamed at the end: a failed write
 * leaves neither a half-written model nor a temp file, and any previous model at that path untouched.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { OliveError } from '../errors.ts';
import { encodeModel } from './proto.ts';
import { isExternal } from './external-data.ts';
import { mapModelTensors, type TensorRole } from './map-tensors.ts';
import { getTensorSource, readSource, sourceLength, type TensorSource } from './tensor-source.ts';
import { writeSourceAt } from './write-at.ts';
import { planStreamedModel, writeStreamedModel } from './write-streamed-model.ts';
import { DataLocation, type ModelProto, type TensorProto } from './types.ts';

/** Tensors at least this large go to the data file; smaller ones stay inline (as onnx.save_model's default). */
export const DEFAULT_EXTERNAL_THRESHOLD_BYTES = 1024;
/** Offsets of external tensors are multiples of this, so a reader can mmap them page-aligned. */
export const EXTERNAL_ALIGN_BYTES = 4096;
/** Tensors over LARGE_TENSOR_BYTES start on a 64 KiB boundary (allocation granularity on Windows). */
export const LARGE_TENSOR_ALIGN_BYTES = 64 * 1024;
export const LARGE_TENSOR_BYTES = 1024 * 1024;
/** One protobuf message cannot exceed 2 GiB; ONNX Runtime refuses to parse a larger model file. */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;
/**
 * From this many inline bytes still in files or producers, the .onnx is streamed (write-streamed-model.ts) rather
 * than encoded in memory, where it would cost about four times its size. Below it, the canonical encoding is kept.
 */
export const STREAM_INLINE_BYTES = 64 * 1024 * 1024;

export interface WriteModelOptions {
  /** Put initializers of at least this many bytes in the data file; Infinity keeps everything inline. */
  externalThresholdBytes?: number;
  /** Data file name, relative to the model's folder. Default `<model file name>.data`. */
  dataFileName?: string;
  /** Called after each tensor written to the data file (progress reporting). */
  onTensorWritten?: (tensorName: string, bytes: number) => void;
  /**
   * Initializers whose bytes already lie in another data file in the model's folder: they are written as
   * references to that range (nothing is copied), e.g. a check model pointing into the data files of a split.
   */
  alreadyWritten?: ReadonlyMap<TensorProto, ExternalRange>;
}

/** A tensor's bytes in an external data file: `location` relative to the model's folder. */
export interface ExternalRange {
  location: string;
  offset: number;
  length: number;
}

export interface WriteModelResult {
  modelPath: string;
  /** Absent when no tensor went external. */
  dataPath: string | undefined;
  modelBytes: number;
  externalBytes: number;
  externalTensors: number;
  /** Where each initializer written to the data file landed, keyed by the tensor object given in the model. */
  placements: Map<TensorProto, ExternalRange>;
}

export async function writeModel(file: string, model: ModelProto, options: WriteModelOptions = {}): Promise<WriteModelResult> {
  const dataFileName = options.dataFileName ?? `${path.basename(file)}.data`;
  checkDataFileName(dataFileName);
  const dataPath = path.join(path.dirname(file), dataFileName);
  const suffix = `.tmp-${randomBytes(6).toString('hex')}`;
  const tmpModel = file + suffix;
  const tmpData = dataPath + suffix;
  const data = new DataFileWriter(tmpData, dataFileName, options.onTensorWritten);
  const placer = new TensorPlacer(file, options.externalThresholdBytes ?? DEFAULT_EXTERNAL_THRESHOLD_BYTES, data, options.alreadyWritten ?? new Map());
  try {
    const placed = await mapModelTensors(model, (tensor, role) => placer.place(tensor, role));
    await data.close();
    const modelBytes = await writeModelFile(tmpModel, placed, placer.pending, file);
    await commit({ tmpModel, file, tmpData, dataPath, hasData: data.bytesWritten > 0 });
    return {
      modelPath: file,
      dataPath: data.bytesWritten > 0 ? dataPath : undefined,
      modelBytes,
      externalBytes: data.payloadBytes,
      externalTensors: data.tensorCount,
      placements: placer.placements,
    };
  } catch (error) {
    throw asWriteError(error, file);
  } finally {
    await data.close();
    await rm(tmpModel, { force: true });
    await rm(tmpData, { force: true });
  }
}

/**
 * Write the .onnx itself. Pending inline bytes of the main graph's initializers are streamed from their sources
 * when there are many of them; otherwise (and always for other graphs) they are gathered and encoded canonically.
 */
async function writeModelFile(tmpFile: string, model: ModelProto, pending: PendingInline, file: string): Promise<number> {
  const streamed = pending.bytes >= STREAM_INLINE_BYTES ? new Set(model.graph?.initializer ?? []) : new Set<TensorProto>();
  for (const [tensor, source] of pending.sources) {
    if (streamed.has(tensor)) continue;
    tensor.raw_data = await readSource(source);
    pending.sources.delete(tensor);
  }
  if (pending.sources.size > 0) {
    const plan = planStreamedModel(model, pending.sources);
    checkProtobufSize(plan.byteLength, file);
    await writeStreamedModel(tmpFile, plan);
    return plan.byteLength;
  }
  const bytes = encodeModel(model);
  checkProtobufSize(bytes.length, file);
  await writeFile(tmpFile, bytes);
  return bytes.length;
}

function checkProtobufSize(bytes: number, file: string): void {
  if (bytes > MAX_PROTOBUF_BYTES) {
    throw new OliveError(`${file}: the model protobuf would be ${bytes} bytes, over the 2 GiB limit; lower externalThresholdBytes`);
  }
}

function checkDataFileName(name: string): void {
  if (path.isAbsolute(name) || name.split(/[\\/]/).includes('..') || name === '') {
    throw new OliveError(`dataFileName '${name}' must be a relative path inside the model's folder`);
  }
}

/** Data first, so the model never points at a data file that is not there yet. */
async function commit(paths: { tmpModel: string; file: string; tmpData: string; dataPath: string; hasData: boolean }): Promise<void> {
  if (paths.hasData) await rename(paths.tmpData, paths.dataPath);
  await rename(paths.tmpModel, paths.file);
  // A data file left by an earlier write of this model would now be stale.
  if (!paths.hasData) await rm(paths.dataPath, { force: true });
}

/** File-system failures (missing folder, no space, no permission) are the user's to fix: one line naming the file. */
function asWriteError(error: unknown, file: string): unknown {
  const isSystemError = error instanceof Error && 'syscall' in error;
  if (!isSystemError) return error;
  return new OliveError(`cannot write model ${file}: ${error.message}`, { cause: error });
}

/** Initializers to be written inline whose bytes are still in a file or producer. */
interface PendingInline {
  sources: Map<TensorProto, TensorSource>;
  bytes: number;
}

/** Decides, tensor by tensor, what stays inline and what streams to the data file. */
class TensorPlacer {
  readonly pending: PendingInline = { sources: new Map(), bytes: 0 };
  readonly placements = new Map<TensorProto, ExternalRange>();
  private inlineBytes = 0;

  constructor(
    private readonly file: string,
    private readonly threshold: number,
    private readonly data: DataFileWriter,
    private readonly alreadyWritten: ReadonlyMap<TensorProto, ExternalRange>,
  ) {}

  async place(tensor: TensorProto, role: TensorRole): Promise<TensorProto> {
    const written = role === 'initializer' ? this.alreadyWritten.get(tensor) : undefined;
    if (written) return externalReference(tensor, written);
    const source = getTensorSource(tensor);
    if (!source) return this.keepAsGiven(tensor);
    const length = sourceLength(source);
    if (role === 'initializer' && length >= this.threshold) return this.toExternal(tensor, source, length);
    return this.toInline(tensor, source, length, role);
  }

  /** Typed fields (float_data…), strings, or no data at all: written exactly as given. */
  private keepAsGiven(tensor: TensorProto): TensorProto {
    if (isExternal(tensor)) {
      throw new OliveError(
        `${this.file}: tensor '${tensor.name ?? ''}' is marked external but has no source; read the model with readModel or attach one with setTensorSource`,
      );
    }
    return tensor;
  }

  private async toInline(tensor: TensorProto, source: TensorSource, length: number, role: TensorRole): Promise<TensorProto> {
    this.inlineBytes += length;
    if (this.inlineBytes > MAX_PROTOBUF_BYTES) {
      throw new OliveError(
        `${this.file}: keeping tensor '${tensor.name ?? ''}' inline brings inline data to ${this.inlineBytes} bytes, over the 2 GiB protobuf limit; lower externalThresholdBytes`,
      );
    }
    if (source.kind === 'bytes' && source.bytes === tensor.raw_data && !isExternal(tensor)) return tensor;
    const { raw_data: _raw, ...rest } = isExternal(tensor) ? withoutExternalFields(tensor) : tensor;
    if (source.kind === 'bytes' || role !== 'initializer') return { ...rest, raw_data: await readSource(source) };
    // Not read yet: writeModelFile decides whether to gather these bytes or stream them.
    this.pending.sources.set(rest, source);
    this.pending.bytes += length;
    return rest;
  }

  private async toExternal(tensor: TensorProto, source: TensorSource, length: number): Promise<TensorProto> {
    const offset = await this.data.append(tensor.name ?? '', source, length);
    const range = { location: this.data.location, offset, length };
    this.placements.set(tensor, range);
    return externalReference(tensor, range);
  }
}

function externalReference(tensor: TensorProto, range: ExternalRange): TensorProto {
  checkDataFileName(range.location);
  const { raw_data: _raw, ...rest } = withoutExternalFields(tensor);
  return {
    ...rest,
    data_location: DataLocation.EXTERNAL,
    external_data: [
      { key: 'location', value: range.location },
      { key: 'offset', value: String(range.offset) },
      { key: 'length', value: String(range.length) },
    ],
  };
}

function withoutExternalFields(tensor: TensorProto): TensorProto {
  const { external_data: _entries, data_location: _location, ...rest } = tensor;
  return rest;
}

/** Appends tensors to the data file, each at an aligned offset. */
class DataFileWriter {
  bytesWritten = 0;
  payloadBytes = 0;
  tensorCount = 0;
  private handle: FileHandle | undefined;
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
    const at = await writeSourceAt(this.handle, offset, name, source, length);
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

