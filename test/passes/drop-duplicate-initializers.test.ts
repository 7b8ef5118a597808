/** ORT's optimized Phi-3 output lists an If branch's initializers twice; the duplicates are dropped, branch by branch. */
import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/onnx/data-types.ts';
import type { GraphProto } from '../../src/onnx/types.ts';
import { dropDuplicateInitializers } from '../../src/passes/optimize/drop-duplicate-initializers.ts';
import { floatTensor, model, node, valueInfo } from './onnx-test-models.ts';

function branch(name: string, initializers: string[]): GraphProto {
  return {
    name,
    node: [node('Identity', ['cache'], ['out'])],
    initializer: initializers.map((tensor, i) => floatTensor(tensor, [2], Float32Array.of(i, i))),
    output: [valueInfo('out', DataType.FLOAT, [2])],
  };
}

describe('dropDuplicateInitializers', () => {
  it('keeps the first initializer of each name in every graph, nested ones included', () => {
    const thenInput = branch('then', ['cache', 'cache', 'other']);
    const firstCache = thenInput.initializer![0];
    const ifNode = node('If', ['cond'], ['out'], {
      attribute: [
        { name: 'then_branch', type: 5, g: thenInput },
        { name: 'else_branch', type: 5, g: branch('else', ['cache']) },
      ],
    });
    const input = model({ name: 'main', node: [ifNode], initializer: [floatTensor('w', [1], Float32Array.of(1))], input: [valueInfo('cond', DataType.BOOL, [])], output: [valueInfo('out', DataType.FLOAT, [2])] });
    const graph = dropDuplicateInitializers(input).graph!;
    const [thenBranch, elseBranch] = graph.node![0].attribute!.map((attribute) => attribute.g!);
    expect(thenBranch.initializer!.map((tensor) => tensor.name)).toEqual(['cache', 'other']);
    expect(thenBranch.initializer![0]).toBe(firstCache);
    expect(elseBranch.initializer!.map((tensor) => tensor.name)).toEqual(['cache']);
    expect(graph.initializer!.map((tensor) => tensor.name)).toEqual(['w']);
  });
});
