import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { IngestError } from '../domain/errors';
import { basenameOf, transcodePrefix, type TranscodeOutput } from '../domain/layout';
import { mimeFromKey } from '../domain/mime';
import { parseIngestState, type IngestState } from '../domain/state';
import { audioArguments } from '../media/transcode';
import { filesIn, runMediaTool } from '../media/tools';
import type { PipelineDependencies } from '../ports';

export type TranscodeDependencies = Pick<PipelineDependencies, 'objects' | 'tools' | 'scratch'>;

/**
 * `Transcode audio` (short audio: see the ingest state machine's `Short audio?`): `transcode/aiml/<basename>.m4a`
 * (AAC) and the cover picture as `transcode/proxy/cover.<ext>`, with ffmpeg in the function. Video, and audio too long
 * for one function, go to MediaConvert (`start-transcode.ts`).
 */
export async function transcodeAudio(event: unknown, deps: TranscodeDependencies): Promise<IngestState> {
  const state = parseIngestState(event);
  const { input } = state;
  const media = state.data.mediainfo;
  if (!media) throw new IngestError('missing mediainfo');
  if (media.audio.length === 0) throw new IngestError(`${input.key} has no audio track`);
  const coverExtension = media.coverMime === 'image/png' ? 'png' : media.coverMime ? 'jpg' : undefined;
  await deps.scratch(async (directory) => {
    const source = path.join(directory, 'source');
    await deps.objects.download({ bucket: input.bucket, key: input.key }, source);
    const dirs = await outputDirectories(directory, ['aiml', 'proxy']);
    const args = audioArguments(source, {
      aimlDir: dirs.aiml!,
      proxyDir: dirs.proxy!,
      basename: basenameOf(input.key),
      ...(coverExtension ? { coverExtension } : {}),
    });
    await runMediaTool(deps.tools.ffmpeg, args, `ffmpeg could not transcode ${input.key}`);
    await uploadOutputs(deps, input.destination.bucket, input.destination.prefix, dirs);
  });
  return withTranscodeOutput(state);
}

function withTranscodeOutput(state: IngestState): IngestState {
  return { ...state, data: { ...state.data, transcode: { output: transcodePrefix(state.input.destination.prefix) } } };
}

async function outputDirectories(
  directory: string,
  outputs: readonly TranscodeOutput[],
): Promise<Partial<Record<TranscodeOutput, string>>> {
  const dirs: Partial<Record<TranscodeOutput, string>> = {};
  for (const output of outputs) {
    dirs[output] = path.join(directory, output);
    await mkdir(dirs[output]!, { recursive: true });
  }
  return dirs;
}

/** Parallel uploads: a long video's frame captures number in the thousands. */
const UPLOAD_CONCURRENCY = 8;

/** Uploads each output directory to `transcode/<output>/` under the asset's prefix. */
export async function uploadOutputs(
  deps: Pick<PipelineDependencies, 'objects'>,
  bucket: string,
  prefix: string,
  dirs: Partial<Record<TranscodeOutput, string>>,
): Promise<void> {
  const uploads: Array<{ file: string; key: string }> = [];
  for (const [output, dir] of Object.entries(dirs) as Array<[TranscodeOutput, string]>) {
    for (const file of await filesIn(dir))
      uploads.push({ file, key: transcodePrefix(prefix, output) + path.basename(file) });
  }
  let next = 0;
  const worker = async () => {
    while (next < uploads.length) {
      const { file, key } = uploads[next++]!;
      await deps.objects.uploadFile({ bucket, key }, file, mimeFromKey(key));
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, uploads.length) }, worker));
}
