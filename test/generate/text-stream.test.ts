/** Streamed text never splits a multi-byte character, and adds up to the whole decode. */
import { describe, expect, it } from 'vitest';
import { TextStream } from '../../src/generate/text-stream.ts';

/** A byte-level vocabulary as byte-level BPE has: token id = one byte; decoding invalid UTF-8 gives U+FFFD. */
const byteDecode = (ids: number[]) => new TextDecoder().decode(Uint8Array.from(ids));

describe('TextStream', () => {
  it('holds back the bytes of a character until it is complete', () => {
    const bytes = [...new TextEncoder().encode('a€b😀')];
    const stream = new TextStream(byteDecode);
    const pieces = bytes.map((id) => stream.push(id));
    expect(pieces.join('') + stream.flush()).toBe('a€b😀');
    expect(pieces.every((piece) => !piece.includes('\uFFFD'))).toBe(true);
    // '€' is three bytes: nothing is given until the third
    expect(pieces.slice(1, 4)).toEqual(['', '', '€']);
  });

  it('gives a truncated character as U+FFFD once no token follows', () => {
    const stream = new TextStream(byteDecode);
    expect(stream.push(0x61)).toBe('a');
    expect(stream.push(0xe2)).toBe('');
    expect(stream.flush()).toBe('\uFFFD');
  });
});
