/**
 * Polly behind the neutral `SynthesizedSpeech` type: speech for a text written to S3 by a synthesis task, with the
 * word and sentence marks a caption needs. Throttling retries and task polling come from `jobs.ts`.
 */
import {
  DescribeVoicesCommand,
  GetSpeechSynthesisTaskCommand,
  type LanguageCode,
  PollyClient,
  StartSpeechSynthesisTaskCommand,
  SynthesizeSpeechCommand,
  type VoiceId,
} from '@aws-sdk/client-polly';
import {
  DEFAULT_RETRY,
  pollUntilFinished,
  s3ObjectOfUri,
  type PollOptions,
  type RetryPolicy,
  sendWithRetries,
} from './jobs';
import type { SynthesizedSpeech } from './speech';

export class SynthesisFailed extends Error {}

let sharedClient: PollyClient | undefined;

type Sender = Pick<PollyClient, 'send'>;

type Mark = NonNullable<SynthesizedSpeech['marks']>[number];

/** A speech synthesis task as Polly reports it. */
export interface SynthesisTask {
  readonly taskId: string;
  readonly status: 'scheduled' | 'inProgress' | 'completed' | 'failed';
  readonly statusReason?: string;
  /** Where the audio is (an `https://s3…` URL), once completed. */
  readonly outputUri?: string;
}

type WireTask = { TaskId?: string; TaskStatus?: string; TaskStatusReason?: string; OutputUri?: string };

function synthesisTask(wire: WireTask | undefined, taskId = ''): SynthesisTask {
  return {
    taskId: wire?.TaskId ?? taskId,
    status: (wire?.TaskStatus ?? 'scheduled') as SynthesisTask['status'],
    ...(wire?.TaskStatusReason !== undefined ? { statusReason: wire.TaskStatusReason } : {}),
    ...(wire?.OutputUri !== undefined ? { outputUri: wire.OutputUri } : {}),
  };
}

export class PollySpeech {
  constructor(
    private readonly client: Sender = (sharedClient ??= new PollyClient({})),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  private send<T>(command: object): Promise<T> {
    return sendWithRetries<T>(this.client, command, this.retry);
  }

  /** The ids of the voices that speak a language, in the service's order. */
  async voices(languageCode: string): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const response = await this.send<{ Voices?: Array<{ Id?: string }>; NextToken?: string }>(
        new DescribeVoicesCommand({
          LanguageCode: languageCode as LanguageCode,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const voice of response.Voices ?? []) if (voice.Id) ids.push(voice.Id);
      token = response.NextToken;
    } while (token);
    return ids;
  }

  /** Starts a synthesis task writing MP3 under `bucket/keyPrefix`, for callers that follow it themselves. */
  async startSynthesisTask(
    text: string,
    options: { readonly voiceId: string; readonly bucket: string; readonly keyPrefix: string },
  ): Promise<SynthesisTask> {
    const response = await this.send<{ SynthesisTask?: WireTask }>(
      new StartSpeechSynthesisTaskCommand({
        Text: text,
        TextType: 'text',
        VoiceId: options.voiceId as VoiceId,
        OutputFormat: 'mp3',
        OutputS3BucketName: options.bucket,
        OutputS3KeyPrefix: options.keyPrefix,
      }),
    );
    return synthesisTask(response.SynthesisTask);
  }

  async getSynthesisTask(taskId: string): Promise<SynthesisTask> {
    const response = await this.send<{ SynthesisTask?: WireTask }>(
      new GetSpeechSynthesisTaskCommand({ TaskId: taskId }),
    );
    return synthesisTask(response.SynthesisTask, taskId);
  }

  /** When each sentence and word of the text is spoken. */
  async speechMarks(text: string, voiceId: string): Promise<Mark[]> {
    const response = await this.send<{ AudioStream?: { transformToString(): Promise<string> } }>(
      new SynthesizeSpeechCommand({
        Text: text,
        VoiceId: voiceId as VoiceId,
        OutputFormat: 'json',
        SpeechMarkTypes: ['sentence', 'word'],
      }),
    );
    const lines = ((await response.AudioStream?.transformToString()) ?? '').split('\n').filter((line) => line !== '');
    return lines.map((line) => {
      const mark = JSON.parse(line) as { time: number; type: 'word' | 'sentence'; value: string };
      return { type: mark.type, timeMs: mark.time, value: mark.value };
    });
  }

  /** Synthesizes `text` into the bucket (a task, polled to its end), with its marks. */
  async synthesizeToS3(
    text: string,
    options: {
      readonly voiceId: string;
      readonly bucket: string;
      readonly keyPrefix?: string;
      readonly format?: SynthesizedSpeech['format'];
      readonly sampleRateHz?: number;
      readonly withMarks?: boolean;
    },
    wait: PollOptions = {},
  ): Promise<SynthesizedSpeech> {
    const format = options.format ?? 'mp3';
    const started = await this.send<{ SynthesisTask?: { TaskId?: string } }>(
      new StartSpeechSynthesisTaskCommand({
        Text: text,
        VoiceId: options.voiceId as VoiceId,
        OutputFormat: format,
        OutputS3BucketName: options.bucket,
        ...(options.keyPrefix !== undefined ? { OutputS3KeyPrefix: options.keyPrefix } : {}),
        ...(options.sampleRateHz !== undefined ? { SampleRate: String(options.sampleRateHz) } : {}),
      }),
    );
    const taskId = started.SynthesisTask?.TaskId ?? '';
    type Task = {
      TaskStatus?: string;
      TaskStatusReason?: string;
      OutputUri?: string;
      SampleRate?: string;
      LanguageCode?: string;
    };
    const task = await pollUntilFinished(
      taskId,
      async () =>
        (await this.send<{ SynthesisTask?: Task }>(new GetSpeechSynthesisTaskCommand({ TaskId: taskId })))
          .SynthesisTask,
      (current) => current?.TaskStatus === 'completed' || current?.TaskStatus === 'failed',
      wait,
    );
    const audio = s3ObjectOfUri(task?.OutputUri ?? '');
    if (task?.TaskStatus !== 'completed' || !audio) {
      throw new SynthesisFailed(`Polly task ${taskId} failed: ${task?.TaskStatusReason ?? 'no output'}`);
    }
    const marks = options.withMarks ? await this.speechMarks(text, options.voiceId) : undefined;
    return {
      voiceId: options.voiceId,
      languageCode: task.LanguageCode ?? '',
      format,
      sampleRateHz: Number(task.SampleRate ?? 0),
      audio,
      ...(marks ? { marks } : {}),
    };
  }
}
