/**
 * Full-fidelity round trip of a hand-built model that uses every corner of the ONNX 1.20 schema: IR 10 node
 * metadata, model functions, sparse initializers, training_info, device configurations, every attribute type,
 * every tensor data type (bfloat16, float8 variants, int4/uint4, int2…) and int64 values beyond 2^53.
 */
import path from 'node:path';
import Long from 'long';
import { describe, expect, test } from 'vitest';
import { DataType, rawByteLength } from '../../src/onnx/data-types.ts';
import { decodeModel, encodeModel, modelToPlain } from '../../src/onnx/proto.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { AttributeType, type GraphProto, type ModelProto, type TensorProto } from '../../src/onnx/types.ts';
import { comparable, floatTensor, seededRandom, tensorValueInfo, useTempDirs } from './helpers.ts';

const BEYOND_2_53 = Long.fromString('9007199254740993');
const NEGATIVE_INT64 = Long.fromString('-9223372036854775807');
const MAX_UINT64 = Long.fromString('18446744073709551615', true);
const ELEMENTS = 37; // odd on purpose: sub-byte types end with a padded byte

const tempDir = useTempDirs();

function rawTensorOfEveryType(): TensorProto[] {
  const random = seededRandom(7);
  return Object.entries(DataType)
    .filter(([name]) => name !== 'UNDEFINED' && name !== 'STRING')
    .map(([name, code]) => ({
      name: `raw_${name.toLowerCase()}`,
      dims: [ELEMENTS],
      data_type: code,
      raw_data: Uint8Array.from({ length: rawByteLength(code, ELEMENTS) }, () => Math.floor(random() * 256)),
    }));
}

function typedFieldTensors(): TensorProto[] {
  return [
    { name: 'typed_float', dims: [3], data_type: DataType.FLOAT, float_data: [1.5, -0, Number.POSITIVE_INFINITY] },
    { name: 'typed_int32', dims: [2], data_type: DataType.INT32, int32_data: [-2147483648, 2147483647] },
    { name: 'typed_fp16_in_int32', dims: [2], data_type: DataType.FLOAT16, int32_data: [0x3c00, 0xfbff] },
    { name: 'typed_int64', dims: [3], data_type: DataType.INT64, int64_data: [BEYOND_2_53, NEGATIVE_INT64, -1] },
    { name: 'typed_double', dims: [2], data_type: DataType.DOUBLE, double_data: [Math.PI, -1e308] },
    { name: 'typed_uint64', dims: [2], data_type: DataType.UINT64, uint64_data: [MAX_UINT64, BEYOND_2_53] },
    { name: 'typed_string', dims: [2], data_type: DataType.STRING, string_data: [Buffer.from('héllo'), Uint8Array.of(0, 255)] },
    {
      name: 'segmented',
      dims: [4],
      data_type: DataType.FLOAT,
      segment: { begin: 0, end: 4 },
      float_data: [1, 2, 3, 4],
      doc_string: 'a segment of a larger tensor',
      metadata_props: [{ key: 'origin', value: 'test' }],
    },
  ];
}

function subgraph(name: string): GraphProto {
  return {
    name,
    node: [{ op_type: 'Identity', input: ['big'], output: [`${name}_out`] }],
    initializer: [floatTensor('big', [600], Array.from({ length: 600 }, (_, i) => i))],
    output: [tensorValueInfo(`${name}_out`, [600])],
  };
}

function everyAttributeType() {
  const sparse = {
    dims: [4, 4],
    values: { name: 'sv', dims: [2], data_type: DataType.FLOAT, float_data: [1, 2] },
    indices: { name: 'si', dims: [2], data_type: DataType.INT64, int64_data: [3, 12] },
  };
  return [
    { name: 'f', type: AttributeType.FLOAT, f: 0.25 },
    { name: 'i', type: AttributeType.INT, i: NEGATIVE_INT64 },
    { name: 's', type: AttributeType.STRING, s: Buffer.from('bytes\u0000here') },
    { name: 't', type: AttributeType.TENSOR, t: floatTensor('const', [400], Array.from({ length: 400 }, (_, i) => -i)) },
    { name: 'g', type: AttributeType.GRAPH, g: subgraph('then_branch') },
    { name: 'sparse', type: AttributeType.SPARSE_TENSOR, sparse_tensor: sparse },
    { name: 'tp', type: AttributeType.TYPE_PROTO, tp: { sequence_type: { elem_type: { tensor_type: { elem_type: 16 } } } } },
    { name: 'floats', type: AttributeType.FLOATS, floats: [1, -2.5] },
    { name: 'ints', type: AttributeType.INTS, ints: [BEYOND_2_53, -1, 0] },
    { name: 'strings', type: AttributeType.STRINGS, strings: [Buffer.from('a'), Buffer.from('')] },
    { name: 'tensors', type: AttributeType.TENSORS, tensors: typedFieldTensors().slice(0, 2) },
    { name: 'graphs', type: AttributeType.GRAPHS, graphs: [subgraph('g0'), subgraph('g1')] },
    { name: 'sparse_list', type: AttributeType.SPARSE_TENSORS, sparse_tensors: [sparse] },
    { name: 'type_list', type: AttributeType.TYPE_PROTOS, type_protos: [{ optional_type: { elem_type: { tensor_type: { elem_type: 1 } } } }] },
    { name: 'from_function', type: AttributeType.INT, ref_attr_name: 'alpha', doc_string: 'referenced' },
  ];
}

function mainGraph(): GraphProto {
  return {
    name: 'everything',
    doc_string: 'graph doc',
    node: [
      {
        op_type: 'Custom',
        domain: 'test.domain',
        overload: 'v2',
        name: 'custom_node',
        input: ['X', 'raw_float', ''],
        output: ['Y'],
        attribute: everyAttributeType(),
        doc_string: 'node doc',
        metadata_props: [{ key: 'ir10', value: 'node metadata' }],
        device_configurations: [
          {
            configuration_id: 'cfg',
            pipeline_stage: 2,
            sharding_spec: [
              {
                tensor_name: 'X',
                device: [0, 1],
                index_to_device_group_map: [{ key: 0, value: [0, 1] }],
                sharded_dim: [{ axis: -1, simple_sharding: [{ dim_value: 8, num_shards: 2 }, { dim_param: 'n', num_shards: 2 }] }],
              },
            ],
          },
        ],
      },
    ],
    initializer: [...rawTensorOfEveryType(), ...typedFieldTensors()],
    sparse_initializer: [
      {
        dims: [100],
        values: { name: 'sparse_w', dims: [3], data_type: DataType.FLOAT, raw_data: new Uint8Array(Float32Array.of(1, 2, 3).buffer) },
        indices: { name: 'sparse_w_idx', dims: [3], data_type: DataType.INT64, int64_data: [1, 50, 99] },
      },
    ],
    input: [
      tensorValueInfo('X', ['batch', 3]),
      { name: 'seq', type: { sequence_type: { elem_type: { tensor_type: { elem_type: 7 } } } } },
      { name: 'map', type: { map_type: { key_type: 8, value_type: { tensor_type: { elem_type: 1 } } } } },
      { name: 'opt', type: { optional_type: { elem_type: { tensor_type: { elem_type: 1 } } }, denotation: 'TENSOR' } },
      { name: 'sp', type: { sparse_tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 10, denotation: 'DATA_BATCH' }] } } } },
    ],
    output: [{ ...tensorValueInfo('Y', [BEYOND_2_53]), doc_string: 'out', metadata_props: [{ key: 'k', value: 'v' }] }],
    value_info: [tensorValueInfo('hidden', [-1, 0])],
    quantization_annotation: [{ tensor_name: 'Y', quant_parameter_tensor_names: [{ key: 'SCALE_TENSOR', value: 's' }] }],
    metadata_props: [{ key: 'graph', value: 'metadata' }],
  };
}

function everythingModel(): ModelProto {
  return {
    ir_version: 11,
    opset_import: [{ domain: '', version: 23 }, { domain: 'com.microsoft', version: 1 }, { domain: 'test.domain', version: BEYOND_2_53 }],
    producer_name: 'olive-node',
    producer_version: '0.1.0',
    domain: 'ai.test',
    model_version: BEYOND_2_53,
    doc_string: 'every field',
    graph: mainGraph(),
    metadata_props: [{ key: 'license', value: 'MIT' }],
    training_info: [
      {
        initialization: subgraph('init'),
        algorithm: subgraph('algo'),
        initialization_binding: [{ key: 'big', value: 'init_out' }],
        update_binding: [{ key: 'big', value: 'algo_out' }],
      },
    ],
    functions: [
      {
        name: 'MyFunc',
        domain: 'test.domain',
        overload: 'v2',
        input: ['a'],
        output: ['b'],
        attribute: ['alpha'],
        attribute_proto: [{ name: 'beta', type: AttributeType.FLOAT, f: 2 }],
        node: [{ op_type: 'Constant', output: ['c'], attribute: [{ name: 'value', type: AttributeType.TENSOR, t: floatTensor('c', [1], [1]) }] }],
        doc_string: 'function doc',
        opset_import: [{ domain: '', version: 21 }],
        value_info: [tensorValueInfo('c', [1])],
        metadata_props: [{ key: 'fn', value: 'meta' }],
      },
    ],
    configuration: [{ name: 'cfg', num_devices: 2, device: ['gpu0', 'gpu1'] }],
  };
}

describe('full-fidelity round trip', () => {
  test('encode → decode → encode keeps every field and every byte', () => {
    const model = everythingModel();
    const bytes = encodeModel(model);
    const decoded = decodeModel(bytes);
    expect(modelToPlain(decoded)).toEqual(modelToPlain(model));
    expect(Buffer.from(encodeModel(decoded)).equals(Buffer.from(bytes))).toBe(true);
  });

  test('int64 values beyond 2^53 survive exactly', () => {
    const decoded = decodeModel(encodeModel(everythingModel()));
    expect(String(decoded.model_version)).toBe('9007199254740993');
    const typedInt64 = decoded.graph!.initializer!.find((t) => t.name === 'typed_int64')!;
    expect(typedInt64.int64_data!.map(String)).toEqual(['9007199254740993', '-9223372036854775807', '-1']);
    const typedUint64 = decoded.graph!.initializer!.find((t) => t.name === 'typed_uint64')!;
    expect(typedUint64.uint64_data!.map(String)).toEqual(['18446744073709551615', '9007199254740993']);
  });

  test('every data type with a raw layout is present, sub-byte ones packed', () => {
    const names = rawTensorOfEveryType().map((t) => t.name);
    for (const type of ['bfloat16', 'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'float8e8m0', 'int4', 'uint4', 'float4e2m1', 'int2', 'uint2']) {
      expect(names).toContain(`raw_${type}`);
    }
    const int4 = rawTensorOfEveryType().find((t) => t.name === 'raw_int4')!;
    expect(int4.raw_data!.length).toBe(19);
  });

  test.each([
    ['inline', Number.POSITIVE_INFINITY, 0],
    ['external data, read whole', 64, undefined],
    ['external data, scanned lazily', 64, 0],
  ])('writeModel → readModel keeps everything (%s)', async (_label, externalThresholdBytes, lazyThresholdBytes) => {
    const model = everythingModel();
    const file = path.join(await tempDir(), 'everything.onnx');
    await writeModel(file, model, { externalThresholdBytes });
    const reread = await readModel(file, { lazyThresholdBytes });
    expect(await comparable(reread.model)).toBe(await comparable(model));
  });

  test('tensors in typed fields stay in them; attribute and sparse tensors stay inline', async () => {
    const file = path.join(await tempDir(), 'everything.onnx');
    const result = await writeModel(file, everythingModel(), { externalThresholdBytes: 1 });
    const { model } = await readModel(file);
    const graph = model.graph!;
    expect(graph.initializer!.find((t) => t.name === 'typed_float')!.float_data).toEqual([1.5, -0, Number.POSITIVE_INFINITY]);
    expect(graph.initializer!.find((t) => t.name === 'raw_float')!.data_location).toBe(1);
    expect(graph.node![0].attribute!.find((a) => a.name === 't')!.t!.raw_data!.length).toBe(1600);
    expect(graph.sparse_initializer![0].values!.raw_data!.length).toBe(12);
    // Initializers of subgraphs and training graphs count as initializers: 24 raw types, 3 subgraphs, 2 training.
    expect(result.externalTensors).toBe(rawTensorOfEveryType().length + 5);
  });
});
