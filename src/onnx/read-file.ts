import { open } from 'node:fs/promises';
import { READ_CHUNK_BYTES } from './tensor-source.ts';

/** A whole file in one buffer, read in chunks: Node 20's readFile refuses files over 2 GiB. */
export async function readFileChunked(file: string, size: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(size);
  const handle = await open(file, 'r');
  try {
    for (let at = 0; at < size; ) {
      const { bytesRead } = await handle.read(out, at, Math.min(READ_CHUNK_BYTES, size - at), at);
      if (bytesRead === 0) throw new RangeError(`${file}: ended early at byte ${at} of ${size}`);
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return out;
}
