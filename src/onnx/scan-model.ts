/**
 * Decode an .onnx file without loading its weights: walk the protobuf wire format by byte range and decode every
 * message normally, except that each initializer's raw_data (ModelProto.graph = 7 → GraphProto.initializer = 5 →
 * TensorProto.raw_data = 9) is left in the file and attached as a file-range TensorSource. Memory then holds the
 * graph structure only, whatever the file size (files over 2 GiB included, which Node 20 cannot read whole).
 */
import { ParseError } from '../errors.ts';
import { FileWindow } from './file-window.ts';
import { decodeGraph, decodeModel, decodeTensor } from './proto.ts';
import { setTensorSource } from './tensor-source.ts';
import { OnnxField, WireType, wireFields, type WireField } from './wire-fields.ts';
import type { GraphProto, ModelProto, TensorProto } from './types.ts';

/** The model in `file` (an absolute path), initializer bytes attached as sources, never read. */
export async function scanModel(file: string): Promise<ModelProto> {
  const window = await FileWindow.open(file);
  try {
    return await scanModelWindow(window);
  } finally {
    await window.close();
  }
}

/** As scanModel, through a window the caller opened (and closes): its bytesRead tells what the scan cost. */
export async function scanModelWindow(file: FileWindow): Promise<ModelProto> {
  const rest = new FieldSpans();
  // A singular message field that occurs more than once is merged, as protobuf decoders do.
  const graphParts: WireField[] = [];
  for await (const field of wireFields(file, 0, file.size)) {
    if (isMessageField(file, field, OnnxField.MODEL_GRAPH)) graphParts.push(field);
    else rest.add(field);
  }
  const model = decodeModel(await rest.read(file));
  if (graphParts.length > 0) model.graph = await scanGraph(file, graphParts);
  return model;
}

async function scanGraph(file: FileWindow, parts: WireField[]): Promise<GraphProto> {
  const rest = new FieldSpans();
  const initializer: TensorProto[] = [];
  for (const part of parts) {
    for await (const field of wireFields(file, part.valueStart, part.end)) {
      if (isMessageField(file, field, OnnxField.GRAPH_INITIALIZER)) initializer.push(await scanTensor(file, field));
      else rest.add(field);
    }
  }
  const graph = decodeGraph(await rest.read(file));
  if (initializer.length > 0) graph.initializer = initializer;
  return graph;
}

async function scanTensor(file: FileWindow, message: WireField): Promise<TensorProto> {
  const rest = new FieldSpans();
  let rawData: WireField | undefined;
  for await (const field of wireFields(file, message.valueStart, message.end)) {
    // For a repeated singular bytes field the last occurrence wins.
    if (isMessageField(file, field, OnnxField.TENSOR_RAW_DATA)) rawData = field;
    else rest.add(field);
  }
  const tensor = decodeTensor(await rest.read(file));
  if (rawData) {
    const length = rawData.end - rawData.valueStart;
    setTensorSource(tensor, { kind: 'file', path: file.path, offset: rawData.valueStart, length });
  }
  return tensor;
}

/** Whether `field` is the length-delimited field `number`; any other wire type for it is a corrupt file. */
function isMessageField(file: FileWindow, field: WireField, number: number): boolean {
  if (field.number !== number) return false;
  if (field.wireType !== WireType.LENGTH_DELIMITED) {
    throw new ParseError(file.path, `protobuf field ${number} at byte ${field.start} has wire type ${field.wireType}, expected 2`);
  }
  return true;
}

/** Byte ranges of the fields decoded normally; neighbouring fields merge into one range, read in one go. */
class FieldSpans {
  private readonly spans: Array<{ start: number; end: number }> = [];

  add(field: WireField): void {
    const last = this.spans.at(-1);
    if (last && last.end === field.start) last.end = field.end;
    else this.spans.push({ start: field.start, end: field.end });
  }

  /** The fields' bytes back to back: protobuf decodes a concatenation of fields as one message. */
  async read(file: FileWindow): Promise<Uint8Array> {
    const out = new Uint8Array(this.spans.reduce((sum, span) => sum + span.end - span.start, 0));
    let at = 0;
    for (const span of this.spans) {
      out.set(await file.read(span.start, span.end - span.start), at);
      at += span.end - span.start;
    }
    return out;
  }
}
