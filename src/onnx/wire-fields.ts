/**
 * The protobuf wire format at the level of field headers: where each field of a message starts and ends in a
 * file, without decoding values. The lazy model scanner uses it to skip raw_data without reading it.
 */
import protobuf from 'protobufjs';
import { ParseError } from '../errors.ts';
import type { FileWindow } from './file-window.ts';

export const WireType = { VARINT: 0, FIXED64: 1, LENGTH_DELIMITED: 2, FIXED32: 5 } as const;

/** The path from a model to its weights, by field number in onnx.proto. */
export const OnnxField = { MODEL_GRAPH: 7, GRAPH_INITIALIZER: 5, TENSOR_RAW_DATA: 9 } as const;

/** Tag and length prefix of a length-delimited field whose `length` value bytes follow. */
export function lengthDelimitedHeader(fieldNumber: number, length: number): Uint8Array {
  return protobuf.Writer.create()
    .uint32((fieldNumber << 3) | WireType.LENGTH_DELIMITED)
    .uint64(length) // uint32 would wrap past 4 GiB
    .finish();
}

/** A varint never takes more than 10 bytes (64 bits, 7 per byte). */
const MAX_VARINT_BYTES = 10;

export interface WireField {
  number: number;
  wireType: number;
  /** Offset of the field's tag: [start, end) is the whole field, ready to be re-decoded alone. */
  start: number;
  /** Offset of the value (after the length prefix for length-delimited fields). */
  valueStart: number;
  end: number;
}

/** The fields of the message stored in [start, end) of the file, in wire order. */
export async function* wireFields(file: FileWindow, start: number, end: number): AsyncGenerator<WireField> {
  for (let at = start; at < end; ) {
    const tag = await readVarint(file, at, end);
    const field = await fieldExtent(file, Math.floor(tag.value / 8), tag.value % 8, at, tag.next, end);
    yield field;
    at = field.end;
  }
}

async function fieldExtent(
  file: FileWindow,
  number: number,
  wireType: number,
  start: number,
  afterTag: number,
  messageEnd: number,
): Promise<WireField> {
  let valueStart = afterTag;
  let end: number;
  switch (wireType) {
    case WireType.VARINT:
      end = await skipVarint(file, afterTag, messageEnd);
      break;
    case WireType.FIXED64:
      end = afterTag + 8;
      break;
    case WireType.FIXED32:
      end = afterTag + 4;
      break;
    case WireType.LENGTH_DELIMITED: {
      const length = await readVarint(file, afterTag, messageEnd);
      valueStart = length.next;
      end = valueStart + length.value;
      break;
    }
    default:
      throw new ParseError(file.path, `protobuf field ${number} at byte ${start} has unsupported wire type ${wireType}`);
  }
  if (end > messageEnd) {
    throw new ParseError(file.path, `protobuf field ${number} at byte ${start} runs past the end of its message (byte ${messageEnd})`);
  }
  return { number, wireType, start, valueStart, end };
}

/** End of the varint at `at`: its value is not needed (and may be a negative int64, 10 bytes long). */
async function skipVarint(file: FileWindow, at: number, end: number): Promise<number> {
  const bytes = await file.read(at, Math.min(MAX_VARINT_BYTES, end - at));
  const last = bytes.findIndex((byte) => byte < 0x80);
  if (last < 0) throw new ParseError(file.path, `protobuf varint at byte ${at} is truncated`);
  return at + last + 1;
}

/** A tag or a length: both must be exact JS integers. */
async function readVarint(file: FileWindow, at: number, end: number): Promise<{ value: number; next: number }> {
  const bytes = await file.read(at, Math.min(MAX_VARINT_BYTES, end - at));
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    value += (bytes[i] & 0x7f) * 2 ** (7 * i);
    if (bytes[i] < 0x80) {
      if (!Number.isSafeInteger(value)) throw new ParseError(file.path, `protobuf varint at byte ${at} exceeds 2^53`);
      return { value, next: at + i + 1 };
    }
  }
  throw new ParseError(file.path, `protobuf varint at byte ${at} is truncated`);
}
