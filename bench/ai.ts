import { mediaConvertBenchmark } from './ai-mediaconvert';
import { rekognitionBenchmark } from './ai-rekognition';
import { speechLanguageBenchmark } from './ai-speech-language';
import { textractBenchmark } from './ai-textract';
import type { BenchRow } from './table';

/** The AI services' local stand-ins: quality on fixtures with known answers, and speed. */
export async function aiBenchmark(): Promise<BenchRow[]> {
  return [
    ...(await rekognitionBenchmark()),
    ...(await textractBenchmark()),
    ...(await mediaConvertBenchmark()),
    ...(await speechLanguageBenchmark()),
  ];
}
