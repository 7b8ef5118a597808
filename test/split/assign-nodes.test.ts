import { describe, expect, it } from 'vitest';
import { OliveError } from '../../src/errors.ts';
import { assignNodes } from '../../src/split/assign-nodes.ts';
import { nodeModulePath } from '../../src/split/module-path.ts';
import { COPIED_INTO_EACH_SPLIT } from '../../src/split/types.ts';
import { handPlan } from './helpers/hand-plan.ts';
import { constantNode, graphOf, node } from './helpers/tiny-graphs.ts';

const plan = (...modules: string[][]) => ({ kind: 'plan' as const, plan: handPlan(modules, 2) });

describe('nodeModulePath', () => {
  it('turns a torch-export node name into a dotted module path', () => {
    expect(nodeModulePath(node('/model/layers.3/self_attn/q_proj/MatMul', 'MatMul', [], []))).toBe('model.layers.3.self_attn.q_proj.MatMul');
  });

  it('prefers the module metadata over the name', () => {
    expect(nodeModulePath(node('/model/layers.3/Add', 'Add', [], [], 'model.layers.1.mlp'))).toBe('model.layers.1.mlp');
  });

  it('has no path for a name in no exporter convention', () => {
    expect(nodeModulePath(node('Add_12', 'Add', [], []))).toBeUndefined();
  });
});

describe('assignNodes', () => {
  it('moves a node after its latest producer (forward pass)', () => {
    const graph = graphOf(
      [node('/a/MatMul', 'MatMul', ['x', 'x'], ['h']), node('/b/Relu', 'Relu', ['h'], ['r']), node('/a/Add', 'Add', ['r', 'x'], ['y'])],
      ['x'],
      ['y'],
    );
    expect(assignNodes(graph, plan(['a'], ['b'])).splitOf).toEqual([0, 1, 1]);
  });

  it('gives unplaced nodes without placed producers the smallest consumer split, else split 0 (reverse pass)', () => {
    const graph = graphOf(
      [
        node('/embed/Gather', 'Gather', ['x', 'x'], ['e']),
        node('/mask/Cast', 'Cast', ['x'], ['m']),
        node('/layers.1/Add', 'Add', ['e', 'm'], ['h1']),
        node('/layers.2/Mul', 'Mul', ['h1', 'm'], ['h2']),
        node('/head/Relu', 'Relu', ['h2'], ['y']),
        node('/unused/Neg', 'Neg', ['x'], ['dangling']),
      ],
      ['x'],
      ['y'],
    );
    const { splitOf } = assignNodes(graph, plan(['layers.1'], ['layers.2']));
    expect(splitOf).toEqual([0, 0, 0, 1, 1, 0]);
  });

  it('marks Constant nodes as copied into each split rather than placing them', () => {
    const graph = graphOf([constantNode('/c/Constant', 'c', [1, 2, 3, 4]), node('/a/Add', 'Add', ['x', 'c'], ['h']), node('/b/Mul', 'Mul', ['h', 'c'], ['y'])], ['x'], ['y']);
    expect(assignNodes(graph, plan(['a'], ['b'])).splitOf).toEqual([COPIED_INTO_EACH_SPLIT, 0, 1]);
  });

  it('lets the longest planned prefix decide', () => {
    const graph = graphOf(
      [
        node('/model/layers.0/mlp/up_proj/MatMul', 'MatMul', ['x', 'x'], ['u']),
        node('/model/layers.0/mlp/down_proj/MatMul', 'MatMul', ['u', 'x'], ['y']),
      ],
      ['x'],
      ['y'],
    );
    expect(assignNodes(graph, plan(['model.layers.0'], ['model.layers.0.mlp.down_proj'])).splitOf).toEqual([0, 1]);
  });

  it('matches whole dotted parts, so model.layers.1 does not claim model.layers.10', () => {
    const graph = graphOf(
      [node('/model/layers.0/Relu', 'Relu', ['x'], ['h']), node('/model/layers.10/Neg', 'Neg', ['h'], ['y']), node('/model/layers.1/Abs', 'Abs', ['x'], ['z'])],
      ['x'],
      ['y', 'z'],
    );
    expect(assignNodes(graph, plan(['model.layers.0'], ['model.layers.1'])).splitOf).toEqual([0, 0, 1]);
  });

  it('takes an explicit assignment by node name, or by first output for an unnamed node', () => {
    const graph = graphOf([node('', 'Relu', ['x'], ['r']), node('second', 'Neg', ['r'], ['n']), node('', 'Abs', ['n'], ['y'])], ['x'], ['y']);
    const { splitOf, numSplits } = assignNodes(graph, { kind: 'assignment', nodes: { r: 0, second: 1, y: 2 } });
    expect({ splitOf, numSplits }).toEqual({ splitOf: [0, 1, 2], numSplits: 3 });
  });

  it('rejects an assignment naming a node the model lacks', () => {
    const graph = graphOf([node('a', 'Relu', ['x'], ['y'])], ['x'], ['y']);
    expect(() => assignNodes(graph, { kind: 'assignment', nodes: { b: 1 } })).toThrow(/has no node 'b'/);
  });

  it('rejects a split that ends up with no node', () => {
    const graph = graphOf([node('/a/Relu', 'Relu', ['x'], ['h']), node('/b/Neg', 'Neg', ['h'], ['y'])], ['x'], ['y']);
    expect(() => assignNodes(graph, plan(['a'], ['nothing.here'], ['b']))).toThrow(/split 1 would hold no node/);
  });

  it('names --split-strategy balanced when an Olive table-order plan cuts a layer against its data flow', () => {
    // 'a' reads what 'b' makes, but the table lists 'a' first: 'a' follows its producer into split 1
    const graph = graphOf([node('/b/Relu', 'Relu', ['x'], ['h']), node('/a/Neg', 'Neg', ['h'], ['y'])], ['x'], ['y']);
    const olivePlan = { kind: 'plan' as const, plan: { ...handPlan([['a'], ['b']], 2), strategy: 'olive' as const } };
    expect(() => assignNodes(graph, olivePlan)).toThrow(/split 0 would hold no node.*use --split-strategy balanced\)$/);
    expect(() => assignNodes(graph, plan(['a'], ['b']))).toThrow(/follow their producers into a later split$/);
  });

  it('rejects a module listed in two splits, and a plan matching no node', () => {
    const graph = graphOf([node('/a/Relu', 'Relu', ['x'], ['y'])], ['x'], ['y']);
    expect(() => assignNodes(graph, plan(['a'], ['a']))).toThrow(/listed in split 0 and split 1/);
    expect(() => assignNodes(graph, plan(['zz']))).toThrow(OliveError);
  });
});
