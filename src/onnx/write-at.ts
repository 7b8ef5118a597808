/** Positioned writes that finish what they start: FileHandle.write may write less than asked. */
import { open, type FileHandle } from 'node:fs/promises';
import { OliveError } from '../errors.ts';
import { streamSource, type TensorSource } from './tensor-source.ts';

/** A file range is copied through two buffers of this size, reused: the next read overlaps the last write. */
export const COPY_BUFFER_BYTES = 8 * 1024 * 1024;

export async function writeBytesAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/** Stream a tensor's source to `position`; it must give exactly `length` bytes. Returns the end position. */
export async function writeSourceAt(handle: FileHandle, position: number, tensorName: string, source: TensorSource, length: number): Promise<number> {
  if (source.kind === 'file') {
    if (source.length !== length) throw new OliveError(`tensor '${tensorName}': its source holds ${source.length} bytes, expected ${length}`);
    return copyFileRange(handle, position, source);
  }
  let at = position;
  // the next chunk is made (read, converted) while the last one is written; each chunk is a buffer of its own
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const chunk of streamSource(source)) {
      await writing;
      writing = writeBytesAt(handle, chunk, at);
      at += chunk.length;
    }
    await writing;
  } finally {
    await writing.catch(() => undefined);
  }
  if (at - position !== length) throw new OliveError(`tensor '${tensorName}': its source gave ${at - position} bytes, expected ${length}`);
  return at;
}

/** Copy a file range to `position`, reading the next piece while the last one is written; returns the end position. */
async function copyFileRange(handle: FileHandle, position: number, source: TensorSource & { kind: 'file' }): Promise<number> {
  const input = await open(source.path, 'r');
  const size = Math.min(COPY_BUFFER_BYTES, source.length);
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  let writing: Promise<void> = Promise.resolve();
  try {
    for (let done = 0, turn = 0; done < source.length; turn ^= 1) {
      const want = Math.min(size, source.length - done);
      const buffer = buffers[turn];
      const { bytesRead } = await input.read(buffer, 0, want, source.offset + done);
      if (bytesRead !== want) throw new RangeError(`${source.path}: ended ${want - bytesRead} bytes early at ${source.offset + done}`);
      // the other buffer's write must end before this one starts (and before that buffer is read into again)
      await writing;
      writing = writeBytesAt(handle, buffer.subarray(0, want), position + done);
      done += want;
    }
    await writing;
  } finally {
    await writing.catch(() => undefined);
    await input.close();
  }
  return position + source.length;
}
