/**
 * The chunks of a stream from some offset on, so a reader can cut out the exact bytes of an element it has just
 * finished tokenizing without copying every chunk as it arrives.
 */
export class ByteWindow {
  private chunks: Array<{ readonly offset: number; readonly bytes: Uint8Array }> = [];
  private total = 0;

  /** Offset just after the last byte added. */
  get end(): number {
    return this.total;
  }

  add(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push({ offset: this.total, bytes: chunk });
    this.total += chunk.length;
  }

  /** Forgets the chunks that end at or before `offset`. */
  dropBefore(offset: number): void {
    let keep = 0;
    while (keep < this.chunks.length) {
      const chunk = this.chunks[keep] as { offset: number; bytes: Uint8Array };
      if (chunk.offset + chunk.bytes.length > offset) break;
      keep++;
    }
    if (keep > 0) this.chunks = this.chunks.slice(keep);
  }

  /** A copy of the bytes in [start, end); every one of them must still be held. */
  slice(start: number, end: number): Buffer {
    const out = Buffer.allocUnsafe(end - start);
    let filled = 0;
    for (const { offset, bytes } of this.chunks) {
      const chunkEnd = offset + bytes.length;
      if (chunkEnd <= start) continue;
      if (offset >= end) break;
      const from = Math.max(start, offset) - offset;
      const to = Math.min(end, chunkEnd) - offset;
      out.set(bytes.subarray(from, to), filled);
      filled += to - from;
    }
    if (filled !== end - start) throw new RangeError(`Bytes ${start}-${end} are no longer held`);
    return out;
  }
}
