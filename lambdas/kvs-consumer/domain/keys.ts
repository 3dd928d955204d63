import { createHash } from 'node:crypto';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function datePath(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${pad(date.getUTCHours())}`;
}

/**
 * Where a fragment is archived: derived only from the stream, the producer timestamp and the fragment number, so
 * archiving the same fragment again (after a crash or a replay) overwrites the same object instead of adding one.
 * Keys sort by time within a stream.
 */
export function archiveKey(
  prefix: string,
  streamName: string,
  producerTimestampMs: number,
  fragmentNumber: string,
): string {
  return `${prefix}${streamName}/${datePath(producerTimestampMs)}/${pad(producerTimestampMs, 13)}-${fragmentNumber}.mkv`;
}

/** Where a clip goes in the archive bucket and in the target's bucket: stream, start and end on the producer clock. */
export function clipKey(prefix: string, streamName: string, startMs: number, endMs: number): string {
  return `${prefix}${streamName}/${datePath(startMs)}/${streamName}-${pad(startMs, 13)}-${pad(endMs, 13)}.mkv`;
}

/**
 * A UUID (version 4 layout) that is the same every time for the same clip, so handing a clip over twice names the
 * same Media2Cloud asset rather than creating a second one.
 */
export function clipUuid(streamName: string, startMs: number): string {
  const hex = createHash('sha256').update(`${streamName}\n${startMs}`).digest('hex');
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
