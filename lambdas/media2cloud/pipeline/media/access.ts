import { open } from 'node:fs/promises';
import type { ObjectLocation } from '../domain/records';
import type { ObjectStore, RandomAccess } from '../ports';

/** A local file read by offset; `close` when done. */
export async function openFileAccess(filePath: string): Promise<RandomAccess & { close(): Promise<void> }> {
  const handle = await open(filePath, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const wanted = Math.max(0, Math.min(length, size - offset));
      const buffer = Buffer.alloc(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(buffer, filled, wanted - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    },
    close: () => handle.close(),
  };
}

/** An object read by ranged GETs. */
export function objectAccess(objects: ObjectStore, location: ObjectLocation, size: number): RandomAccess {
  return {
    size,
    read: (offset, length) => objects.readRange(location, offset, Math.max(0, Math.min(length, size - offset))),
  };
}
