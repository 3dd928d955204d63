import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { page, RecordStore } from '../ai-support/records';
import { s3HttpsUrl, type ServiceObjects } from '../ai-support/s3-objects';
import { Validator } from '../ai-support/validation';
import { WorkQueue } from '../ai-support/work-queue';
import { AwsError } from '../protocol/wire';
import type { AudioFormat, SpeechMark, SpeechSynthesizer } from './synthesizer';
import { VOICES, type PollyVoice } from './voices';

type OutputFormat = AudioFormat | 'json';
type TaskStatus = 'scheduled' | 'inProgress' | 'completed' | 'failed';

const FORMATS = ['json', 'mp3', 'ogg_vorbis', 'pcm'];
const ENGINES = ['standard', 'neural', 'long-form', 'generative'];
const MARK_TYPES = ['sentence', 'ssml', 'viseme', 'word'];
const SAMPLE_RATES: Record<OutputFormat, { rates: string[]; default: string }> = {
  mp3: { rates: ['8000', '16000', '22050', '24000'], default: '22050' },
  ogg_vorbis: { rates: ['8000', '16000', '22050', '24000'], default: '22050' },
  pcm: { rates: ['8000', '16000'], default: '16000' },
  json: { rates: [], default: '' },
};
const CONTENT_TYPES: Record<OutputFormat, string> = {
  mp3: 'audio/mpeg',
  ogg_vorbis: 'audio/ogg',
  pcm: 'audio/pcm',
  json: 'application/x-json-stream',
};
const EXTENSIONS: Record<OutputFormat, string> = { mp3: 'mp3', ogg_vorbis: 'ogg', pcm: 'pcm', json: 'marks' };
const SYNC_MAX_CHARACTERS = 3000;
const TASK_MAX_CHARACTERS = 100_000;

const validation = (message: string) => new AwsError('ValidationException', message, 400);

export interface SynthesisRequest {
  readonly text: string;
  readonly textType: 'text' | 'ssml';
  readonly voice: PollyVoice;
  readonly engine: string;
  readonly outputFormat: OutputFormat;
  readonly sampleRate: string;
  readonly speechMarkTypes: string[];
}

interface TaskRecord {
  readonly taskId: string;
  status: TaskStatus;
  reason?: string;
  readonly request: Omit<SynthesisRequest, 'voice'> & { readonly voiceId: string };
  readonly bucket: string;
  readonly key: string;
  readonly snsTopicArn?: string;
  readonly createdMs: number;
  readonly characters: number;
}

export interface PollyOptions {
  readonly directory: string;
  readonly region: string;
  readonly synthesizer: SpeechSynthesizer;
  readonly objects: ServiceObjects;
  readonly now?: () => number;
}

/**
 * Amazon Polly: SynthesizeSpeech (audio or speech marks), DescribeVoices, and synthesis tasks that write their
 * output to S3, one at a time off the request path.
 */
export class LocalPolly {
  private readonly tasks: RecordStore<TaskRecord>;
  private readonly queue: WorkQueue;
  private readonly now: () => number;

  constructor(private readonly options: PollyOptions) {
    this.tasks = new RecordStore(path.join(options.directory, 'tasks'));
    this.now = options.now ?? Date.now;
    this.queue = new WorkQueue((id) => this.runTask(id));
    for (const task of this.tasks.all().sort((a, b) => a.createdMs - b.createdMs)) {
      if (task.status === 'scheduled' || task.status === 'inProgress') this.queue.enqueue(task.taskId);
    }
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  describeVoices(query: URLSearchParams): unknown {
    const engine = query.get('Engine');
    const language = query.get('LanguageCode');
    if (engine !== null && !ENGINES.includes(engine)) {
      throw validation(
        `1 validation error detected: Value '${engine}' at 'engine' failed to satisfy constraint: Member must satisfy enum value set: [${ENGINES.join(', ')}]`,
      );
    }
    const voices = VOICES.filter((voice) => language === null || voice.languageCode === language);
    const listed = page(
      voices,
      {
        defaultMax: 100,
        scope: `voices:${language ?? ''}`,
        ...(query.get('NextToken') ? { nextToken: query.get('NextToken') as string } : {}),
      },
      () => new AwsError('InvalidNextTokenException', 'The NextToken is invalid.', 400),
    );
    return {
      Voices: listed.items.map((voice) => ({
        Gender: voice.gender,
        Id: voice.id,
        LanguageCode: voice.languageCode,
        LanguageName: voice.languageName,
        Name: voice.name,
        SupportedEngines: ['standard', 'neural'],
      })),
      ...(listed.nextToken !== undefined ? { NextToken: listed.nextToken } : {}),
    };
  }

  /** Checks a synthesis request as Polly does; `maxCharacters` differs for SynthesizeSpeech and tasks. */
  parseRequest(input: Record<string, unknown>, maxCharacters: number): SynthesisRequest {
    const v = new Validator(input);
    const text = v.string('Text', { required: true }) as string;
    const textType = (v.string('TextType', { values: ['ssml', 'text'] }) ?? 'text') as 'text' | 'ssml';
    const voiceId = v.string('VoiceId', { required: true }) as string;
    const engine = v.string('Engine', { values: ENGINES }) ?? 'standard';
    const outputFormat = v.string('OutputFormat', { required: true, values: FORMATS }) as OutputFormat;
    const sampleRate = v.string('SampleRate');
    const marks = (v.list('SpeechMarkTypes', { max: 4 }) ?? []) as string[];
    v.string('LanguageCode');
    const lexicons = v.list('LexiconNames', { max: 5 }) as string[] | undefined;
    v.check('ValidationException');
    const voice = VOICES.find((candidate) => candidate.id === voiceId);
    if (!voice)
      throw validation(
        `1 validation error detected: Value '${voiceId}' at 'voiceId' failed to satisfy constraint: Member must be a voice local mode speaks (see DescribeVoices)`,
      );
    if (lexicons && lexicons.length > 0) {
      throw new AwsError(
        'LexiconNotFoundException',
        `Lexicon not found: ${lexicons[0]}. Local mode keeps no lexicons.`,
        404,
      );
    }
    for (const mark of marks) {
      if (!MARK_TYPES.includes(mark))
        throw validation(`Speech mark type ${mark} is not one of ${MARK_TYPES.join(', ')}.`);
    }
    if (outputFormat === 'json' && marks.length === 0) {
      throw new AwsError(
        'MarksNotSupportedForFormatException',
        'Speech marks must be requested for the json output format.',
        400,
      );
    }
    if (outputFormat !== 'json' && marks.length > 0) {
      throw new AwsError(
        'MarksNotSupportedForFormatException',
        'Speech marks are only returned in the json output format.',
        400,
      );
    }
    if (marks.includes('ssml') && textType !== 'ssml') {
      throw new AwsError('SsmlMarksNotSupportedForTextTypeException', 'SSML speech marks require TextType ssml.', 400);
    }
    if (marks.includes('viseme')) {
      throw validation('Local mode does not produce viseme speech marks: espeak-ng reports no visemes.');
    }
    const rates = SAMPLE_RATES[outputFormat];
    if (sampleRate !== undefined && outputFormat !== 'json' && !rates.rates.includes(sampleRate)) {
      throw new AwsError(
        'InvalidSampleRateException',
        `Sample rate ${sampleRate} is not valid for ${outputFormat}.`,
        400,
      );
    }
    if (textType === 'ssml' && !/^\s*<speak[\s>][\s\S]*<\/speak>\s*$/.test(text)) {
      throw new AwsError('InvalidSsmlException', 'Invalid SSML request: the text must be a <speak> element.', 400);
    }
    const characters = billedCharacters(text, textType);
    if (characters > maxCharacters) {
      throw new AwsError(
        'TextLengthExceededException',
        `Maximum text length has been exceeded: ${characters} > ${maxCharacters}.`,
        400,
      );
    }
    return {
      text,
      textType,
      voice,
      engine,
      outputFormat,
      sampleRate: sampleRate ?? rates.default,
      speechMarkTypes: marks,
    };
  }

  async synthesizeSpeech(
    input: Record<string, unknown>,
  ): Promise<{ body: Buffer; contentType: string; characters: number }> {
    const request = this.parseRequest(input, SYNC_MAX_CHARACTERS);
    this.needSynthesizer();
    return {
      body: await this.render(request),
      contentType: CONTENT_TYPES[request.outputFormat],
      characters: billedCharacters(request.text, request.textType),
    };
  }

  async startTask(input: Record<string, unknown>): Promise<unknown> {
    const request = this.parseRequest(input, TASK_MAX_CHARACTERS);
    const v = new Validator(input);
    const bucket = v.string('OutputS3BucketName', {
      required: true,
      pattern: /^[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9]$/,
    }) as string;
    const prefix = v.string('OutputS3KeyPrefix', { pattern: /^[0-9a-zA-Z/!\-_.*'()]{0,800}$/ }) ?? '';
    const sns = v.string('SnsTopicArn');
    v.check('ValidationException');
    if (!(await this.options.objects.bucketExists(bucket))) {
      throw new AwsError(
        'InvalidS3BucketException',
        `The bucket ${bucket} doesn't exist or Polly can't write to it.`,
        400,
      );
    }
    this.needSynthesizer();
    const taskId = randomUUID();
    const task: TaskRecord = {
      taskId,
      status: 'scheduled',
      request: {
        text: request.text,
        textType: request.textType,
        voiceId: request.voice.id,
        engine: request.engine,
        outputFormat: request.outputFormat,
        sampleRate: request.sampleRate,
        speechMarkTypes: request.speechMarkTypes,
      },
      bucket,
      // Polly joins the prefix and the task id with a dot, after a slash too (`audio/.<id>.mp3`).
      key: `${prefix === '' ? '' : `${prefix}.`}${taskId}.${EXTENSIONS[request.outputFormat]}`,
      ...(sns !== undefined ? { snsTopicArn: sns } : {}),
      createdMs: this.now(),
      characters: billedCharacters(request.text, request.textType),
    };
    this.tasks.put(taskId, task);
    this.queue.enqueue(taskId);
    return { SynthesisTask: this.taskJson(task) };
  }

  getTask(taskId: string): unknown {
    const task = this.tasks.get(taskId);
    if (!task) throw new AwsError('SynthesisTaskNotFoundException', `Synthesis task ${taskId} not found.`, 400);
    return { SynthesisTask: this.taskJson(task) };
  }

  listTasks(query: URLSearchParams): unknown {
    const status = query.get('Status');
    if (status !== null && !['scheduled', 'inProgress', 'completed', 'failed'].includes(status)) {
      throw validation(
        `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [scheduled, inProgress, completed, failed]`,
      );
    }
    const max = query.get('MaxResults');
    const maxResults = max === null ? undefined : Number(max);
    if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)) {
      throw validation(
        `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
      );
    }
    const tasks = this.tasks
      .all()
      .filter((task) => status === null || task.status === status)
      .sort((a, b) => b.createdMs - a.createdMs || a.taskId.localeCompare(b.taskId));
    const listed = page(
      tasks,
      {
        defaultMax: 100,
        scope: `tasks:${status ?? ''}`,
        ...(maxResults !== undefined ? { maxResults } : {}),
        ...(query.get('NextToken') ? { nextToken: query.get('NextToken') as string } : {}),
      },
      () => new AwsError('InvalidNextTokenException', 'The NextToken is invalid.', 400),
    );
    return {
      SynthesisTasks: listed.items.map((task) => this.taskJson(task)),
      ...(listed.nextToken !== undefined ? { NextToken: listed.nextToken } : {}),
    };
  }

  private needSynthesizer(): void {
    const missing = this.options.synthesizer.missing();
    if (missing) throw new AwsError('EngineNotSupportedException', missing, 400);
  }

  private async render(request: SynthesisRequest): Promise<Buffer> {
    const format: AudioFormat = request.outputFormat === 'json' ? 'pcm' : request.outputFormat;
    const { audio, marks } = await this.options.synthesizer.synthesize({
      text: request.text,
      ssml: request.textType === 'ssml',
      voice: request.voice.espeak,
      format,
      sampleRate: Number(request.outputFormat === 'json' ? '16000' : request.sampleRate),
    });
    if (request.outputFormat !== 'json') return audio;
    return Buffer.from(marksJsonLines(marks, request.speechMarkTypes));
  }

  private taskJson(task: TaskRecord): Record<string, unknown> {
    return {
      Engine: task.request.engine,
      TaskId: task.taskId,
      TaskStatus: task.status,
      ...(task.reason !== undefined ? { TaskStatusReason: task.reason } : {}),
      OutputUri: s3HttpsUrl(this.options.region, { bucket: task.bucket, key: task.key }),
      CreationTime: new Date(task.createdMs),
      RequestCharacters: task.characters,
      ...(task.snsTopicArn !== undefined ? { SnsTopicArn: task.snsTopicArn } : {}),
      OutputFormat: task.request.outputFormat,
      SampleRate: task.request.sampleRate,
      ...(task.request.speechMarkTypes.length > 0 ? { SpeechMarkTypes: task.request.speechMarkTypes } : {}),
      TextType: task.request.textType,
      VoiceId: task.request.voiceId,
      LanguageCode: VOICES.find((voice) => voice.id === task.request.voiceId)?.languageCode,
    };
  }

  private update(taskId: string, change: (task: TaskRecord) => void): TaskRecord | undefined {
    const task = this.tasks.get(taskId);
    if (!task) return undefined;
    change(task);
    this.tasks.put(taskId, task);
    return task;
  }

  private async runTask(taskId: string): Promise<void> {
    const task = this.update(taskId, (record) => (record.status = 'inProgress'));
    if (!task) return;
    try {
      const voice = VOICES.find((candidate) => candidate.id === task.request.voiceId) as PollyVoice;
      const body = await this.render({ ...task.request, voice });
      await this.options.objects.write(
        { bucket: task.bucket, key: task.key },
        body,
        CONTENT_TYPES[task.request.outputFormat],
      );
      this.update(taskId, (record) => (record.status = 'completed'));
    } catch (error) {
      this.update(taskId, (record) => {
        record.status = 'failed';
        record.reason = `Synthesis failed: ${(error as Error).message}`;
      });
    }
  }
}

/** Polly bills the characters of the text, SSML tags excluded. */
function billedCharacters(text: string, textType: 'text' | 'ssml'): number {
  return [...(textType === 'ssml' ? text.replace(/<[^>]*>/g, '') : text)].length;
}

function marksJsonLines(marks: readonly SpeechMark[], types: readonly string[]): string {
  return marks
    .filter((mark) => types.includes(mark.type))
    .map(
      (mark) =>
        `${JSON.stringify({ time: mark.time, type: mark.type, start: mark.start, end: mark.end, value: mark.value })}\n`,
    )
    .join('');
}
