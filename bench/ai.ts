import { rekognitionBenchmark } from './ai-rekognition';
import type { BenchRow } from './table';

/** The AI services' local stand-ins: quality on fixtures with known answers, and speed. */
export async function aiBenchmark(): Promise<BenchRow[]> {
  return [...(await rekognitionBenchmark())];
}
