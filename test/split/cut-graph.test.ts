import { describe, expect, it } from 'vitest';
import { assignNodes } from '../../src/split/assign-nodes.ts';
import { cutGraph } from '../../src/split/cut-graph.ts';
import { indexGraph } from '../../src/split/graph-index.ts';
import { describeValues } from '../../src/split/infer-value-types.ts';
import type { GraphProto } from '../../src/onnx/types.ts';
import { DataType } from '../../src/onnx/data-types.ts';
import { constantNode, floatInfo, floatTensor, graphOf, node } from './helpers/tiny-graphs.ts';

function cut(graph: GraphProto, assignment: Record<string, number>) {
  const index = indexGraph(graph);
  return cutGraph(graph, index, assignNodes(graph, { kind: 'assignment', nodes: assignment }, index));
}

describe('cutGraph', () => {
  // x → A(0) → h → B(1) → y1 (graph output); h and x also read by C(2) → y2; w read by A and C; c copied to B and C
  const graph = graphOf(
    [
      constantNode('c', 'c_out', [1, 1, 1, 1]),
      node('A', 'MatMul', ['x', 'w'], ['h']),
      node('B', 'Add', ['h', 'c_out'], ['y1']),
      node('C', 'Sum', ['h', 'x', 'w', 'c_out'], ['y2']),
    ],
    ['x'],
    ['y1', 'y2'],
    [floatTensor('w', [4, 4], Array(16).fill(0.5))],
  );
  const [first, second, third] = cut(graph, { A: 0, B: 1, C: 2 });

  it('makes a value crossing splits an output of its producer and an input of each later reader', () => {
    expect(first.outputs).toEqual(['h']);
    expect(second.inputs).toEqual(['h']);
    expect(third.inputs).toEqual(['x', 'h']);
  });

  it('gives graph inputs to every split reading them and graph outputs to the split computing them', () => {
    expect(first.inputs).toEqual(['x']);
    expect(second.outputs).toEqual(['y1']);
    expect(third.outputs).toEqual(['y2']);
  });

  it('copies initializers and Constant nodes into each split reading them', () => {
    expect([first.initializers, second.initializers, third.initializers]).toEqual([['w'], [], ['w']]);
    expect([first.nodeIndices, second.nodeIndices, third.nodeIndices]).toEqual([[1], [0, 2], [0, 3]]);
  });

  it('routes outer-scope values read inside a subgraph to the node holding it', () => {
    const branch: GraphProto = { name: 'then', node: [node('inner', 'Identity', ['h'], ['out'])], output: [{ name: 'out' }] };
    const withIf = graphOf(
      [node('A', 'Relu', ['x'], ['h']), node('cond', 'ReduceMax', ['x'], ['m']), { ...node('B', 'If', ['m'], ['y']), attribute: [{ name: 'then_branch', type: 5, g: branch }, { name: 'else_branch', type: 5, g: branch }] }],
      ['x'],
      ['y'],
    );
    const [, late] = cut(withIf, { A: 0, B: 1 });
    expect(late.inputs).toEqual(['x', 'h']);
  });
});

describe('describeValues', () => {
  it('keeps declared types and infers the rest with symbolic dimensions kept', async () => {
    const graph = graphOf([node('A', 'MatMul', ['x', 'w'], ['h']), node('B', 'Relu', ['h'], ['y'])], ['x'], ['y'], [floatTensor('w', [4, 3], Array(12).fill(1))]);
    const { infos, inferred } = await describeValues({ ir_version: 10, opset_import: [{ domain: '', version: 21 }], graph }, ['x', 'h']);
    expect(infos.get('x')).toEqual(floatInfo('x', ['batch', 4]));
    expect([...inferred.keys()]).toEqual(['h']);
    expect(infos.get('h')?.type?.tensor_type).toEqual({ elem_type: DataType.FLOAT, shape: { dim: [{ dim_param: 'batch' }, { dim_value: 3 }] } });
  });

  it('tells a scalar (no dimensions) from a value of unknown rank (no shape)', async () => {
    const graph: GraphProto = {
      name: 'g',
      node: [
        { name: 'A', op_type: 'Reshape', input: ['x', 'target'], output: ['reshaped'] },
        { name: 'B', op_type: 'ReduceSum', input: ['x'], output: ['total'], attribute: [{ name: 'keepdims', type: 2, i: 0 }] },
        { name: 'C', op_type: 'Sum', input: ['reshaped', 'total'], output: ['y'] },
      ],
      input: [floatInfo('x', ['n']), { name: 'target', type: { tensor_type: { elem_type: DataType.INT64 } } }],
      output: [{ name: 'y' }],
    };
    const { infos } = await describeValues({ ir_version: 10, opset_import: [{ domain: '', version: 21 }], graph }, ['reshaped', 'total']);
    expect(infos.get('reshaped')?.type).toEqual({ tensor_type: { elem_type: DataType.FLOAT } });
    expect(infos.get('total')?.type).toEqual({ tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [] } } });
  });
});
