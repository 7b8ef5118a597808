/** Positioned writes that finish what they start: FileHandle.write may write less than asked. */
import type { FileHandle } from 'node:fs/promises';
import { OliveError } from '../errors.ts';
import { streamSource, type TensorSource } from './tensor-source.ts';

export async function writeBytesAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/** Stream a tensor's source to `position`; it must give exactly `length` bytes. Returns the end position. */
export async function writeSourceAt(handle: FileHandle, position: number, tensorName: string, source: TensorSource, length: number): Promise<number> {
  let at = position;
  for await (const chunk of streamSource(source)) {
    await writeBytesAt(handle, chunk, at);
    at += chunk.length;
  }
  if (at - position !== length) throw new OliveError(`tensor '${tensorName}': its source gave ${at - position} bytes, expected ${length}`);
  return at;
}
