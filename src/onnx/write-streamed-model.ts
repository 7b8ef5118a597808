/**
 * Encode a model whose main-graph initializers keep their inline bytes in sources (files, producers), writing
 * those bytes straight from the source: the mirror of scan-model.ts. Source lengths are known up front, so each
 * length prefix is written before the bytes it covers and no weight is ever held whole. The field order differs
 * from a canonical encoder (graph last in the model, raw_data last in each tensor), which protobuf allows.
 */
import { open } from 'node:fs/promises';
import { encodeGraph, encodeModel, encodeTensor } from './proto.ts';
import { sourceLength, type TensorSource } from './tensor-source.ts';
import { OnnxField, lengthDelimitedHeader } from './wire-fields.ts';
import { writeBytesAt, writeSourceAt } from './write-at.ts';
import type { ModelProto, TensorProto } from './types.ts';

type Piece = Uint8Array | { tensorName: string; source: TensorSource; length: number };

export interface StreamedModel {
  pieces: Piece[];
  byteLength: number;
}

/** The model's bytes as encoded pieces and sources; `inlineSources` gives the raw_data of main-graph initializers. */
export function planStreamedModel(model: ModelProto, inlineSources: Map<TensorProto, TensorSource>): StreamedModel {
  const graph = model.graph ?? {};
  const graphPieces: Piece[] = [encodeGraph({ ...graph, initializer: [] })];
  for (const tensor of graph.initializer ?? []) graphPieces.push(...initializerPieces(tensor, inlineSources.get(tensor)));
  const pieces = [encodeModel({ ...model, graph: undefined }), lengthDelimitedHeader(OnnxField.MODEL_GRAPH, piecesLength(graphPieces)), ...graphPieces];
  return { pieces, byteLength: piecesLength(pieces) };
}

function initializerPieces(tensor: TensorProto, source: TensorSource | undefined): Piece[] {
  const fields = encodeTensor(tensor);
  if (!source) return [lengthDelimitedHeader(OnnxField.GRAPH_INITIALIZER, fields.length), fields];
  const length = sourceLength(source);
  const rawHeader = lengthDelimitedHeader(OnnxField.TENSOR_RAW_DATA, length);
  return [
    lengthDelimitedHeader(OnnxField.GRAPH_INITIALIZER, fields.length + rawHeader.length + length),
    fields,
    rawHeader,
    { tensorName: tensor.name ?? '', source, length },
  ];
}

function piecesLength(pieces: Piece[]): number {
  return pieces.reduce((sum, piece) => sum + piece.length, 0);
}

export async function writeStreamedModel(file: string, model: StreamedModel): Promise<void> {
  const handle = await open(file, 'w');
  try {
    let at = 0;
    for (const piece of model.pieces) {
      if (piece instanceof Uint8Array) {
        await writeBytesAt(handle, piece, at);
        at += piece.length;
      } else {
        at = await writeSourceAt(handle, at, piece.tensorName, piece.source, piece.length);
      }
    }
  } finally {
    await handle.close();
  }
}
