import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { mediaTools } from '../../lambdas/shared/media/tools';

const run = promisify(execFile);

/**
 * Sentences espeak-ng renders for the recognizer to hear back: everyday words PocketSphinx's US English model
 * knows, so word recall measures the pipeline (decoding, timing, shaping) rather than a vocabulary gap.
 */
export const SPOKEN_SENTENCES = [
  'hello world this is a test of the speech recognition system',
  'the weather today is sunny and warm',
];

/** Renders `text` with espeak-ng (US English, a male voice, slowly) and encodes it with ffmpeg as `file`'s type. */
export async function speak(text: string, file: string, extraFfmpeg: readonly string[] = []): Promise<void> {
  const wav = `${file}.espeak.wav`;
  await run('espeak-ng', ['-v', 'en-us+m1', '-s', '120', '-w', wav, text]);
  await run(mediaTools().ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', wav, ...extraFfmpeg, file]);
  await run('rm', ['-f', wav]);
}

/** Two different sentences, one per channel of a stereo file. */
export async function speakStereo(left: string, right: string, file: string): Promise<void> {
  const dir = path.dirname(file);
  const a = path.join(dir, 'left.wav');
  const b = path.join(dir, 'right.wav');
  await run('espeak-ng', ['-v', 'en-us+m1', '-s', '120', '-w', a, left]);
  await run('espeak-ng', ['-v', 'en-us+m1', '-s', '120', '-w', b, right]);
  await run(mediaTools().ffmpeg, [
    '-nostdin', '-v', 'error', '-y', '-i', a, '-i', b,
    '-filter_complex', '[0:a][1:a]join=inputs=2:channel_layout=stereo[a]', '-map', '[a]', file,
  ]); // prettier-ignore
}

/** The share of the expected words that were heard (each heard word counts once), case and punctuation ignored. */
export function wordRecall(expected: string, heard: string): number {
  const words = (text: string): string[] => text.toLowerCase().match(/[a-z']+/g) ?? [];
  const pool: string[] = [...words(heard)];
  const wanted = words(expected);
  let found = 0;
  for (const word of wanted) {
    const index = pool.indexOf(word);
    if (index >= 0) {
      found += 1;
      pool.splice(index, 1);
    }
  }
  return wanted.length === 0 ? 0 : found / wanted.length;
}
