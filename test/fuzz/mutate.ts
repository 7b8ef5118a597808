/** Seeded mutations of real fixture bytes and JSON: the same seed gives the same inputs, run after run. */

/** The fixtures' mulberry32 generator: seeded, so a failing input can be made again. */
export { seededRandom } from '../../src/generate/seeded-random.ts';

export class Mutator {
  constructor(readonly random: () => number) {}

  int(below: number): number {
    return Math.floor(this.random() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Values that break parsers and size computations: huge, negative, fractional, wrong kinds, deep nesting. */
  hostileValue(): unknown {
    return this.pick<() => unknown>([
      () => -1,
      () => 0,
      () => 1.5,
      () => 1e308,
      () => 2 ** 53 + 2,
      () => 10_000_000,
      () => 9_999_999,
      () => 2 ** 31,
      () => 'x',
      () => '',
      () => '../../etc/passwd',
      () => null,
      () => true,
      () => [],
      () => ({}),
      () => [1, 'a', null],
      () => '9'.repeat(400),
      () => nested(this.pick([10, 200, 1000])),
      () => ({ deep: "[".repeat(100_000) }),
    ])();
  }

  /** Bytes with a few flips, overwrites, cuts, insertions or duplications. */
  bytes(input: Buffer, focus = input.length): Buffer {
    let out = Buffer.from(input);
    const edits = 1 + this.int(4);
    for (let edit = 0; edit < edits; edit++) {
      const at = this.int(Math.max(1, Math.min(focus, out.length)));
      switch (this.int(6)) {
        case 0:
          out[at] ^= 1 << this.int(8);
          break;
        case 1:
          out[at] = this.pick([0, 0xff, 0x7f, 0x80, 0x30 + this.int(10), 0x22, 0x7b, 0x5b]);
          break;
        case 2:
          out = out.subarray(0, at);
          break;
        case 3:
          out = Buffer.concat([out.subarray(0, at), Buffer.from(String(this.hostileValue())), out.subarray(at)]);
          break;
        case 4:
          out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + 1 + this.int(64)), out.subarray(at)]);
          break;
        default:
          out.fill(this.pick([0, 0xff]), at, Math.min(out.length, at + 1 + this.int(16)));
      }
    }
    return out;
  }

  /** A JSON object with one to three fields (existing or from `keys`) set to hostile values. */
  json(input: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
    const out = structuredClone(input);
    const edits = 1 + this.int(3);
    for (let edit = 0; edit < edits; edit++) {
      const key = this.pick([...Object.keys(out), ...keys]);
      if (this.int(8) === 0) delete out[key];
      else out[key] = this.hostileValue();
    }
    return out;
  }
}

/** `[[[…]]]` nested `depth` deep, as JSON text would hold it. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}
