/** Run two models on the same inputs and measure how far each output of the second is from the first's. */
import * as ort from 'onnxruntime-node';
import { decodeFloats } from '../../onnx/float-formats.ts';
import { OliveError } from '../../errors.ts';

export interface OutputDifference {
  name: string;
  maxAbsDiff: number;
  /** Largest magnitude in the reference output: the scale the difference is judged against. */
  maxAbsReference: number;
}

export async function compareOutputs(referencePath: string, candidatePath: string, feeds: Record<string, ort.Tensor>): Promise<OutputDifference[]> {
  const reference = await runOnce(referencePath, feeds);
  const candidate = await runOnce(candidatePath, feeds);
  return Object.keys(reference).map((name) => {
    const expected = reference[name];
    const actual = candidate[name];
    if (!actual) throw new OliveError(`${candidatePath} has no output '${name}' that ${referencePath} has`);
    if (expected.dims.join(',') !== actual.dims.join(',')) {
      throw new OliveError(`output '${name}' has shape [${actual.dims.join(', ')}] in ${candidatePath}, [${expected.dims.join(', ')}] in ${referencePath}`);
    }
    return { name, ...difference(toNumbers(expected), toNumbers(actual)) };
  });
}

async function runOnce(modelPath: string, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(modelPath);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function toNumbers(tensor: ort.Tensor): Float64Array {
  if (tensor.type === 'float16') {
    const halves = tensor.data as Uint16Array;
    return Float64Array.from(decodeFloats(new Uint8Array(halves.buffer, halves.byteOffset, halves.byteLength), 'F16'));
  }
  return Float64Array.from(tensor.data as ArrayLike<number | bigint>, Number);
}

function difference(expected: Float64Array, actual: Float64Array): { maxAbsDiff: number; maxAbsReference: number } {
  let maxAbsDiff = 0;
  let maxAbsReference = 0;
  for (let i = 0; i < expected.length; i++) {
    // NaN in one and not the other is an infinite difference; NaN in both is agreement.
    const both = Number.isNaN(expected[i]) && Number.isNaN(actual[i]);
    const diff = both ? 0 : Math.abs(expected[i] - actual[i]);
    maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(diff) ? Infinity : diff);
    if (Number.isFinite(expected[i])) maxAbsReference = Math.max(maxAbsReference, Math.abs(expected[i]));
  }
  return { maxAbsDiff, maxAbsReference };
}
