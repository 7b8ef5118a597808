/**
 * Keeps CPU_FP16_OPS honest: for each entry, a one-node fp16 model is initialized by the installed
 * onnxruntime-node and the graph it actually runs is saved; ORT inserts Casts around any op it has no fp16 CPU
 * kernel for, so an entry is right only if none appear.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { DataType } from '../../src/onnx/data-types.ts';
import { encodeModel } from '../../src/onnx/proto.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { AttributeType, type AttributeProto } from '../../src/onnx/types.ts';
import { CPU_FP16_OPS } from '../../src/passes/fp16/fp16-kernels.ts';
import { intAttr, model, valueInfo } from './onnx-test-models.ts';

type Slot = 'f16' | 'i64' | 'i32' | 'u8';
interface OpCase {
  inputs: { type: Slot; rank: number }[];
  attributes?: AttributeProto[];
  outputs?: number;
}

const f16 = (rank = 2) => ({ type: 'f16' as const, rank });
const i64 = (rank = 1) => ({ type: 'i64' as const, rank });
const halfTensorAttr = (name: string): AttributeProto => ({ name, type: AttributeType.TENSOR, t: { dims: [1], data_type: DataType.FLOAT16, raw_data: new Uint8Array([0, 0x3c]) } });

const CASES: Record<string, OpCase> = {
  Identity: { inputs: [f16()] }, Transpose: { inputs: [f16()] }, Concat: { inputs: [f16(), f16()], attributes: [intAttr('axis', 0)] },
  Split: { inputs: [f16()], attributes: [intAttr('axis', 0), intAttr('num_outputs', 2)], outputs: 2 }, Squeeze: { inputs: [f16(), i64()] },
  Unsqueeze: { inputs: [f16(), i64()] }, Flatten: { inputs: [f16()] }, Slice: { inputs: [f16(), i64(), i64()] }, Reshape: { inputs: [f16(), i64()] },
  Expand: { inputs: [f16(), i64()] }, Gather: { inputs: [f16(), i64()] }, GatherElements: { inputs: [f16(), i64(2)] }, GatherND: { inputs: [f16(), i64(2)] },
  ScatterND: { inputs: [f16(), i64(2), f16()] }, Shape: { inputs: [f16()] }, Cast: { inputs: [f16()], attributes: [intAttr('to', DataType.FLOAT16)] },
  Constant: { inputs: [], attributes: [halfTensorAttr('value')] }, ConstantOfShape: { inputs: [i64()], attributes: [halfTensorAttr('value')] },
  Round: { inputs: [f16()] }, Clip: { inputs: [f16()] }, IsNaN: { inputs: [f16()] }, IsInf: { inputs: [f16()] }, Sign: { inputs: [f16()] },
  LayerNormalization: { inputs: [f16(), f16(1), f16(1)] }, SimplifiedLayerNormalization: { inputs: [f16(), f16(1)] }, RMSNormalization: { inputs: [f16(), f16(1)] },
  'com.microsoft.SkipSimplifiedLayerNormalization': { inputs: [f16(), f16(), f16(1)] }, 'com.microsoft.SkipLayerNormalization': { inputs: [f16(3), f16(3), f16(1), f16(1)] },
  'com.microsoft.RotaryEmbedding': { inputs: [f16(3), i64(2), f16(), f16()] },
  'com.microsoft.MatMulNBits': { inputs: [f16(), { type: 'u8', rank: 3 }, f16(1)], attributes: [intAttr('K', 32), intAttr('N', 8), intAttr('bits', 4), intAttr('block_size', 32)] },
  'com.microsoft.GroupQueryAttention': {
    inputs: [f16(3), f16(3), f16(3), f16(4), f16(4), { type: 'i32', rank: 1 }, { type: 'i32', rank: 0 }],
    attributes: [intAttr('num_heads', 2), intAttr('kv_num_heads', 1)],
    outputs: 3,
  },
};

const ELEM: Record<Slot, number> = { f16: DataType.FLOAT16, i64: DataType.INT64, i32: DataType.INT32, u8: DataType.UINT8 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'olive-fp16-kernels-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CPU_FP16_OPS', () => {
  it('has a probe case for every entry', () => {
    expect([...CPU_FP16_OPS].sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const [key, spec] of Object.entries(CASES)) {
    it(`${key} runs in fp16 on the CPU provider without Casts`, async () => {
      const [domain, opType] = key.includes('.') ? [key.slice(0, key.lastIndexOf('.')), key.slice(key.lastIndexOf('.') + 1)] : ['', key];
      const inputs = spec.inputs.map((slot, i) => valueInfo(`x${i}`, ELEM[slot.type], Array.from({ length: slot.rank }, (_, d) => `d${i}_${d}`)));
      const outputs = Array.from({ length: spec.outputs ?? 1 }, (_, i) => ({ name: `y${i}` }));
      const proto = model({
        name: 'probe',
        node: [{ op_type: opType, domain, name: 'probe', input: inputs.map((v) => v.name!), output: outputs.map((o) => o.name), attribute: spec.attributes ?? [] }],
        input: inputs,
        output: outputs,
      }, opType === 'RMSNormalization' ? 23 : 21);
      const saved = path.join(dir, `${key}.onnx`);
      const session = await ort.InferenceSession.create(encodeModel(proto), { graphOptimizationLevel: 'disabled', optimizedModelFilePath: saved });
      await session.release();
      const ops = (await readModel(saved)).model.graph!.node!.map((n) => n.op_type);
      expect(ops.filter((op) => op === 'Cast').length).toBe(opType === 'Cast' ? 1 : 0);
    });
  }
});
