/**
 * Random access to a file by byte range through one small cached window: enough to walk a protobuf's field
 * headers and read its small messages without ever loading the bytes in between (the weights).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { ParseError } from '../errors.ts';
import { READ_CHUNK_BYTES } from './tensor-source.ts';

/**
 * Bytes fetched around each header read. Small on purpose: after every raw_data field the scan jumps past the
 * weights, so a larger window would mostly read weight bytes that are then thrown away.
 */
export const SCAN_WINDOW_BYTES = 64 * 1024;

export class FileWindow {
  /** Bytes fetched from the file so far: what a scan really read. */
  bytesRead = 0;
  private windowStart = 0;
  private window: Uint8Array = new Uint8Array(0);

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly size: number,
  ) {}

  static async open(file: string): Promise<FileWindow> {
    const handle = await open(file, 'r');
    const { size } = await handle.stat();
    return new FileWindow(handle, file, size);
  }

  /** Bytes [offset, offset + length): a view that is valid until the next call. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset + length > this.size) {
      throw new ParseError(this.path, `truncated: needs bytes up to ${offset + length}, file has ${this.size}`);
    }
    const windowEnd = this.windowStart + this.window.length;
    if (offset >= this.windowStart && offset + length <= windowEnd) {
      return this.window.subarray(offset - this.windowStart, offset - this.windowStart + length);
    }
    if (length > SCAN_WINDOW_BYTES) return this.readExact(offset, length);
    this.window = await this.readExact(offset, Math.min(SCAN_WINDOW_BYTES, this.size - offset));
    this.windowStart = offset;
    return this.window.subarray(0, length);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async readExact(offset: number, length: number): Promise<Uint8Array> {
    const out = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const want = Math.min(READ_CHUNK_BYTES, length - done);
      const { bytesRead } = await this.handle.read(out, done, want, offset + done);
      if (bytesRead === 0) throw new ParseError(this.path, `ended early at byte ${offset + done}`);
      done += bytesRead;
      this.bytesRead += bytesRead;
    }
    return out;
  }
}
