/**
 * Streamed decoding that never splits a character: byte-level tokenizers give a multi-byte character over
 * several tokens, and decoding a prefix of them ends in U+FFFD. Each call decodes every id so far and hands out
 * only the new text past what was already given, holding back a trailing U+FFFD until the character completes.
 */
const REPLACEMENT = '\uFFFD';

export class TextStream {
  private ids: number[] = [];
  private emitted = '';

  constructor(private readonly decode: (ids: number[]) => string) {}

  /** The text that became final with this token ('' when none did). */
  push(id: number): string {
    this.ids.push(id);
    return this.emit(stableText(this.decode(this.ids)));
  }

  /** What was held back, once no token follows (a trailing U+FFFD is then real). */
  flush(): string {
    return this.emit(this.decode(this.ids));
  }

  private emit(text: string): string {
    // a decoder that rewrites earlier text (space clean-up) waits until the text extends what was given
    if (!text.startsWith(this.emitted)) return '';
    const added = text.slice(this.emitted.length);
    this.emitted = text;
    return added;
  }
}

function stableText(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === REPLACEMENT) end -= 1;
  return text.slice(0, end);
}
