/**
 * A set of named tensors in one file, to hand inputs to a child process: a 4-byte little-endian header length, a
 * JSON header (name, type, dims, byte range per tensor), then the tensors' bytes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { OliveError } from '../errors.ts';

interface Entry {
  name: string;
  type: ort.Tensor.Type;
  dims: number[];
  offset: number;
  length: number;
}

const HEADER_LENGTH_BYTES = 4;

type NumericType = Exclude<ort.Tensor.Type, 'string'>;
const TYPED_ARRAYS: Partial<Record<NumericType, (buffer: ArrayBuffer) => ort.Tensor.DataType>> = {
  float32: (b) => new Float32Array(b),
  float64: (b) => new Float64Array(b),
  float16: (b) => new Uint16Array(b),
  int8: (b) => new Int8Array(b),
  uint8: (b) => new Uint8Array(b),
  int16: (b) => new Int16Array(b),
  uint16: (b) => new Uint16Array(b),
  int32: (b) => new Int32Array(b),
  uint32: (b) => new Uint32Array(b),
  int64: (b) => new BigInt64Array(b),
  uint64: (b) => new BigUint64Array(b),
  bool: (b) => new Uint8Array(b),
};

export async function writeTensorFile(file: string, tensors: Record<string, ort.Tensor>): Promise<void> {
  const entries: Entry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    if (!TYPED_ARRAYS[tensor.type as NumericType]) throw new OliveError(`tensor '${name}' of type ${tensor.type} cannot be handed to a child process`);
    const data = tensor.data as ArrayBufferView;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    entries.push({ name, type: tensor.type, dims: [...tensor.dims], offset, length: bytes.length });
    parts.push(bytes);
    offset += bytes.length;
  }
  const header = Buffer.from(JSON.stringify(entries));
  const length = Buffer.alloc(HEADER_LENGTH_BYTES);
  length.writeUInt32LE(header.length);
  await writeFile(file, Buffer.concat([length, header, ...parts]));
}

export async function readTensorFile(file: string): Promise<Record<string, ort.Tensor>> {
  const bytes = await readFile(file);
  const headerLength = bytes.readUInt32LE(0);
  const entries = JSON.parse(bytes.subarray(HEADER_LENGTH_BYTES, HEADER_LENGTH_BYTES + headerLength).toString('utf8')) as Entry[];
  const start = HEADER_LENGTH_BYTES + headerLength;
  const tensors: Record<string, ort.Tensor> = {};
  for (const entry of entries) {
    // copy into a fresh, aligned buffer: typed arrays need an offset that is a multiple of the element size
    const buffer = bytes.buffer.slice(bytes.byteOffset + start + entry.offset, bytes.byteOffset + start + entry.offset + entry.length);
    tensors[entry.name] = new ort.Tensor(entry.type as NumericType, TYPED_ARRAYS[entry.type as NumericType]!(buffer) as never, entry.dims);
  }
  return tensors;
}
