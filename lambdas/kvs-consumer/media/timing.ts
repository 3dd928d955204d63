import { EbmlTokenizer, ID, readUint, vintWidth, readSize } from '../../shared/media/mkv';
import type { KvsFragment } from './get-media-reader';

/**
 * Where a fragment's media ends on the producer clock: for each track, its last frame plus that track's usual frame
 * interval; the latest of those. The next fragment of a gapless stream starts right there.
 */
export function fragmentEndMs(fragment: KvsFragment): number {
  const scale = fragment.layout.timecodeScale;
  const first = fragment.layout.clusters[0];
  if (!first) return fragment.producerTimestampMs;
  const perTrack = new Map<number, number[]>();
  for (const range of fragment.layout.clusters) {
    let clusterTimecode = range.timecode;
    const tokenizer = new EbmlTokenizer(
      {
        onLeaf: (element, data) => {
          if (!data) return;
          if (element.id === ID.Timecode) clusterTimecode = readUint(data);
          else if (element.id === ID.SimpleBlock || element.id === ID.Block) {
            const width = vintWidth(data[0] ?? 0);
            if (width === 0 || data.length < width + 2) return;
            const track = readSize(data, 0, width);
            const times = perTrack.get(track) ?? [];
            times.push(clusterTimecode + data.readInt16BE(width));
            perTrack.set(track, times);
          }
        },
      },
      { wantData: (id) => id === ID.Timecode || id === ID.SimpleBlock || id === ID.Block },
    );
    tokenizer.write(fragment.bytes.subarray(range.start, range.end));
    tokenizer.end();
  }
  let end = first.timecode;
  for (const times of perTrack.values()) {
    const sorted = [...new Set(times)].sort((a, b) => a - b);
    const steps = sorted.slice(1).map((value, index) => value - (sorted[index] as number));
    const step = steps.length > 0 ? ([...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)] as number) : 0;
    end = Math.max(end, (sorted[sorted.length - 1] as number) + step);
  }
  return fragment.producerTimestampMs + Math.round(((end - first.timecode) * scale) / 1e6);
}
