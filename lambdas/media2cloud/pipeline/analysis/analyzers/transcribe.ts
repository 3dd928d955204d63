import * as path from 'node:path';
import { pollUntilFinished } from '../../../../shared/ai/jobs';
import { parseTranscript } from '../../../../shared/ai/transcribe';
import { AnalysisTypes } from '../../domain/ai-options';
import { AnalysisError } from '../../domain/errors';
import { analysisRawPrefix, basenameOf, isoDateTime } from '../../domain/layout';
import { StateStatus } from '../../domain/statuses';
import { conversationChapters, phrasesOf } from '../../domain/transcript';
import type { Analyzer, AnalyzerDependencies, AnalyzerOutcome } from '../analyzer';
import { proxyOf, putJson, safeName } from './ai-support';

const ID = AnalysisTypes.Transcribe;
const CONVERSATIONS = 'conversations.json';
const JOB_NAME_MAX = 200;

/** Where the transcript JSON of a job is (the original's `output`): read back by Comprehend. */
export function transcriptKey(outputPrefix: string, jobId: string): string {
  return `${outputPrefix}${jobId}.json`;
}

/**
 * Transcribe on the audio of a video or an audio file (the `aiml` `.m4a` proxy): a transcription job with WebVTT
 * subtitles written to `raw/<ts>/transcribe/<job>.json` and `.vtt` as the original asks for them, the language
 * given by `aiOptions.languageCode` or identified; the transcript's phrases indexed as `transcribe` entries with
 * their timecodes, its chapters of speech written to `conversations.json`.
 */
export const transcribeAnalyzer: Analyzer = {
  id: ID,
  service: 'transcribe',
  options: [ID],
  mediaTypes: ['video', 'audio'],
  available: true,
  category: () => 'audio',
  async run(context, deps): Promise<AnalyzerOutcome> {
    const { asset, aiOptions, requestTime } = context;
    const startTime = deps.now();
    const audio = proxyOf(asset, 'aiml', 'audio');
    if (!audio) {
      await deps.search.update(asset.uuid, { transcribe: [] });
      return { status: StateStatus.NoData, output: { startTime, endTime: deps.now(), errorMessage: 'no audio proxy' } };
    }
    const { bucket, prefix } = asset.destination;
    const outputPrefix = analysisRawPrefix(prefix, requestTime, ID);
    // Unique per asset and run, so a retried invocation meets the job it started (ConflictException).
    const jobId = safeName(`${asset.uuid}_${isoDateTime(requestTime)}_${basenameOf(asset.key)}`, JOB_NAME_MAX);
    const languageCode =
      typeof aiOptions.languageCode === 'string' && aiOptions.languageCode.length > 0
        ? aiOptions.languageCode
        : undefined;
    await start(deps, jobId, { bucket, key: audio }, { bucket, key: outputPrefix }, languageCode);
    const job = await pollUntilFinished(
      jobId,
      () => deps.ai.speech.getTranscription(jobId),
      (state) => state.status === 'COMPLETED' || state.status === 'FAILED',
      { pollMs: 500, maxPollMs: 10_000, timeoutMs: 13 * 60_000 },
    );
    if (job.status === 'FAILED') {
      throw new AnalysisError(`Transcription job ${jobId} failed: ${job.failureReason ?? 'no reason given'}`);
    }
    const output = transcriptKey(outputPrefix, jobId);
    const vtt = `${outputPrefix}${jobId}.vtt`;
    const text = await deps.objects.getText({ bucket, key: output });
    if (text === undefined) throw new AnalysisError(`Transcription job ${jobId} wrote no transcript at ${output}`);
    const transcript = parseTranscript(JSON.parse(text) as unknown, job.languageCode);
    const phrases = phrasesOf(transcript);
    await deps.search.update(asset.uuid, {
      transcribe: phrases.map((phrase) => ({
        name: phrase.text,
        timecodes: [{ begin: phrase.begin, end: phrase.end }],
      })),
    });
    if (phrases.length === 0) {
      return {
        status: StateStatus.NoData,
        output: { output, jobId, languageCode: transcript.languageCode, startTime, endTime: deps.now() },
      };
    }
    const conversations = path.posix.join(path.posix.dirname(vtt), CONVERSATIONS);
    await putJson(deps, bucket, conversations, { chapters: conversationChapters(phrases) });
    return {
      status: StateStatus.Completed,
      output: {
        output,
        jobId,
        vtt,
        languageCode: transcript.languageCode,
        conversations,
        startTime,
        endTime: deps.now(),
      },
      indexed: ['transcribe'],
    };
  },
};

async function start(
  deps: AnalyzerDependencies,
  jobName: string,
  media: { bucket: string; key: string },
  output: { bucket: string; key: string },
  languageCode: string | undefined,
): Promise<void> {
  try {
    await deps.ai.speech.startTranscription(media, {
      jobName,
      ...(languageCode ? { languageCode } : {}),
      output,
      subtitles: ['vtt'],
    });
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConflictException') throw error;
  }
}
