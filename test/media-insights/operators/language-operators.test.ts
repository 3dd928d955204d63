import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { ComprehendLanguage } from '../../../lambdas/shared/ai/comprehend';
import { MediaConvertTranscoder } from '../../../lambdas/shared/ai/mediaconvert';
import { PollySpeech } from '../../../lambdas/shared/ai/polly';
import { TranscribeSpeech } from '../../../lambdas/shared/ai/transcribe';
import { TranslateText } from '../../../lambdas/shared/ai/translate';
import type { ObjectLocation } from '../../../lambdas/shared/media/s3-objects';
import {
  runCheckPollyWebCaptions,
  runCreateCaptions,
  runStartPollyWebCaptions,
  runStartTranslateWebCaptions,
  runWebCaptions,
  type CaptionsDependencies,
} from '../../../lambdas/media-insights/operators/captions/operator';
import {
  formatCaptionTime,
  transcriptToWebCaptions,
  vttToWebCaptions,
  webCaptionsToSrt,
  webCaptionsToVtt,
} from '../../../lambdas/media-insights/operators/captions/webcaptions';
import {
  EMPTY_INPUT,
  runComprehendCheck,
  runComprehendStart,
  type ComprehendDependencies,
} from '../../../lambdas/media-insights/operators/comprehend/operator';
import {
  runMediaconvertCheck,
  runMediaconvertStart,
  type MediaconvertDependencies,
} from '../../../lambdas/media-insights/operators/mediaconvert/operator';
import { runPollyCheck, runPollyStart } from '../../../lambdas/media-insights/operators/polly/operator';
import {
  runTranscribeCheck,
  runTranscribeStart,
  transcriptionRequest,
  type TranscribeDependencies,
} from '../../../lambdas/media-insights/operators/transcribe/operator';
import { runTranslate } from '../../../lambdas/media-insights/operators/translate/operator';
import { ASSET_ID, EXECUTION_ID, failureOf, InMemoryDataplane, operatorEvent } from './support';

const BUCKET = 'dataplane-bucket';
const FOLDER = `private/assets/${ASSET_ID}/workflows/${EXECUTION_ID}/`;

type Call = { command: string; input: Record<string, any> };

/** An SDK client whose `send` answers each command from a table, keeping what was asked. */
function fakeClient(answers: Record<string, (input: Record<string, any>) => unknown>) {
  const calls: Call[] = [];
  const client = {
    calls,
    send: async (command: { constructor: { name: string }; input: Record<string, any> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push({ command: name, input: command.input });
      const answer = answers[name];
      if (!answer) throw new Error(`unexpected ${name}`);
      return answer(command.input);
    },
  };
  return client;
}

/** S3 as a map of texts. */
class MemoryObjects {
  readonly texts = new Map<string, string | Uint8Array>();
  async readText(object: ObjectLocation): Promise<string> {
    const value = this.texts.get(`${object.bucket}/${object.key}`);
    if (value === undefined) throw new Error(`s3://${object.bucket}/${object.key} does not exist`);
    return typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
  }
  async writeText(object: ObjectLocation, text: string): Promise<void> {
    this.texts.set(`${object.bucket}/${object.key}`, text);
  }
  async size(object: ObjectLocation): Promise<number> {
    const value = this.texts.get(`${object.bucket}/${object.key}`);
    if (value === undefined) throw new Error(`s3://${object.bucket}/${object.key} does not exist`);
    return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  }
  async readRange(object: ObjectLocation, offset: number, length: number): Promise<Uint8Array> {
    const value = this.texts.get(`${object.bucket}/${object.key}`)!;
    return Buffer.from(value).subarray(offset, offset + length);
  }
}

/** The transcript of the Amazon Transcribe Developer Guide's example job ("Welcome to Amazon Transcribe."). */
const TRANSCRIPT = {
  jobName: 'my-first-transcription-job',
  accountId: '111122223333',
  results: {
    transcripts: [{ transcript: 'Welcome to Amazon Transcribe.' }],
    items: [
      { start_time: '0.64', end_time: '1.09', alternatives: [{ confidence: '1.0', content: 'Welcome' }], type: 'pronunciation' },
      { start_time: '1.09', end_time: '1.21', alternatives: [{ confidence: '1.0', content: 'to' }], type: 'pronunciation' },
      { start_time: '1.21', end_time: '1.74', alternatives: [{ confidence: '1.0', content: 'Amazon' }], type: 'pronunciation' },
      { start_time: '1.74', end_time: '2.56', alternatives: [{ confidence: '1.0', content: 'Transcribe' }], type: 'pronunciation' },
      { alternatives: [{ confidence: '0.0', content: '.' }], type: 'punctuation' },
      { start_time: '4.5', end_time: '4.9', alternatives: [{ confidence: '0.87', content: 'Goodbye' }], type: 'pronunciation' },
    ],
  },
  status: 'COMPLETED',
}; // prettier-ignore

describe('Mediaconvert operator', () => {
  function dependencies(job: Record<string, unknown>) {
    const client = fakeClient({
      CreateJob: (input) => ({ Job: { Id: '1234567890123-abc123', Status: 'SUBMITTED', Settings: input['Settings'] } }),
      GetJob: () => ({ Job: job }),
    });
    const deps: MediaconvertDependencies = {
      mediaconvert: new MediaConvertTranscoder(client as never),
      role: 'arn:aws:iam::111122223333:role/MediaConvertRole',
      dataplaneBucket: BUCKET,
    };
    return { client, deps };
  }

  it('submits the original audio extract to the execution folder and hands the monitor its job id', async () => {
    const { client, deps } = dependencies({});
    const event = operatorEvent({
      Name: 'Mediaconvert',
      Input: { Media: { Video: { S3Bucket: 'media', S3Key: 'in/My Clip.mp4' } }, MetaData: {} },
    });

    const output = await runMediaconvertStart(event, deps);

    const settings = client.calls[0]!.input['Settings'];
    expect(client.calls[0]!.input['Role']).toBe(deps.role);
    expect(settings.Inputs[0].FileInput).toBe('s3://media/in/My Clip.mp4');
    expect(settings.OutputGroups[0].OutputGroupSettings.FileGroupSettings.Destination).toBe(`s3://${BUCKET}/${FOLDER}`);
    expect(settings.OutputGroups[0].Outputs[0]).toMatchObject({ NameModifier: '_audio', Extension: 'mp4' });
    expect(output).toMatchObject({
      Status: 'Executing',
      MetaData: { MediaconvertJobId: '1234567890123-abc123', MediaconvertInputFile: 'in/My Clip.mp4' },
    });
  });

  it('names the audio track of a complete GetJob answer as MediaConvert names its output', async () => {
    const { client, deps } = dependencies({});
    const started = await runMediaconvertStart(
      operatorEvent({
        Name: 'Mediaconvert',
        Input: { Media: { Video: { S3Bucket: 'media', S3Key: 'in/clip.mov' } }, MetaData: {} },
      }),
      deps,
    );
    const settings = client.calls[0]!.input['Settings'];
    const complete = dependencies({
      Id: '1234567890123-abc123',
      Status: 'COMPLETE',
      Settings: settings,
      CreatedAt: new Date('2026-01-01T00:00:00Z'),
      OutputGroupDetails: [{ OutputDetails: [{ DurationInMs: 4010 }] }],
    });

    const output = await runMediaconvertCheck(started, complete.deps);

    expect(output.Status).toBe('Complete');
    expect(output.Media['Audio']).toEqual({ S3Bucket: BUCKET, S3Key: `${FOLDER}clip_audio.mp4` });
  });

  it('keeps waiting while the job runs and fails with MediaconvertError when it errs or the input is missing', async () => {
    const running = dependencies({ Id: 'j', Status: 'PROGRESSING', Settings: {} });
    const failed = dependencies({ Id: 'j', Status: 'ERROR', ErrorCode: 1010, ErrorMessage: 'Bad input', Settings: {} });
    const event = operatorEvent({
      Name: 'Mediaconvert',
      MetaData: { MediaconvertJobId: 'j', MediaconvertInputFile: 'a.mp4' },
    });

    expect((await runMediaconvertCheck(event, running.deps)).Status).toBe('Executing');
    const error = await failureOf(() => runMediaconvertCheck(event, failed.deps));
    const missing = await failureOf(() => runMediaconvertStart(operatorEvent({ Name: 'Mediaconvert' }), running.deps));

    expect(error.MetaData['MediaconvertError']).toContain('1010: Bad input');
    expect(missing.MetaData).toEqual({ MediaconvertError: "Missing a required metadata key 'Video'" });
  });
});

describe('TranscribeVideo and TranscribeAudio', () => {
  const media = { ProxyEncode: { S3Bucket: BUCKET, S3Key: 'private/assets/a/clip_proxy.mp4' } };
  const withAudio = { Mediainfo_num_audio_tracks: '1' };

  function dependencies(job: Record<string, unknown>) {
    const client = fakeClient({
      StartTranscriptionJob: (input) => ({
        TranscriptionJob: {
          TranscriptionJobName: input['TranscriptionJobName'],
          TranscriptionJobStatus: 'IN_PROGRESS',
        },
      }),
      GetTranscriptionJob: () => ({ TranscriptionJob: job }),
    });
    const objects = new MemoryObjects();
    objects.texts.set('transcribe-output/transcribe-job.json', JSON.stringify(TRANSCRIPT));
    const dataplane = new InMemoryDataplane();
    const deps: TranscribeDependencies = {
      transcribe: new TranscribeSpeech(client as never, objects),
      objects,
      dataplane,
      dataplaneBucket: BUCKET,
    };
    return { client, objects, dataplane, deps };
  }

  it("passes the original's language, vocabulary, language model and speaker configuration to the job", () => {
    const event = operatorEvent({
      Name: 'TranscribeAudio',
      Configuration: {
        MediaType: 'Audio',
        Enabled: true,
        TranscribeLanguage: 'en-GB',
        VocabularyName: 'products',
        LanguageModelName: 'medical-terms',
        ShowSpeakerLabels: true,
        MaxSpeakerLabels: 3,
      },
    });
    const auto = operatorEvent({
      Configuration: {
        MediaType: 'Video',
        Enabled: true,
        TranscribeLanguage: 'auto',
        LanguageOptions: ['en-US', 'es-US'],
      },
    });

    expect(transcriptionRequest(event, { bucket: 'b', key: 'a.wav', format: 'wav' })).toEqual({
      TranscriptionJobName: `transcribe-${EXECUTION_ID}`,
      Media: { MediaFileUri: 's3://b/a.wav' },
      MediaFormat: 'wav',
      LanguageCode: 'en-GB',
      IdentifyLanguage: false,
      Settings: { VocabularyName: 'products', ShowSpeakerLabels: true, MaxSpeakerLabels: 3 },
      ModelSettings: { LanguageModelName: 'medical-terms' },
    });
    expect(transcriptionRequest(auto, { bucket: 'b', key: 'a.mp4', format: 'mp4' })).toMatchObject({
      IdentifyLanguage: true,
      LanguageOptions: ['en-US', 'es-US'],
    });
    expect(transcriptionRequest(auto, { bucket: 'b', key: 'a.mp4', format: 'mp4' })).not.toHaveProperty('LanguageCode');
  });

  it('starts a job on the proxy, or completes at once when Mediainfo found no audio track', async () => {
    const { client, deps } = dependencies({});
    const event = (metaData: Record<string, string>) =>
      operatorEvent({ Name: 'TranscribeVideo', Input: { Media: media, MetaData: metaData } });

    const started = await runTranscribeStart(event(withAudio), deps);
    const silent = await runTranscribeStart(event({ Mediainfo_num_audio_tracks: '0' }), deps);

    expect(started).toMatchObject({ Status: 'Executing', MetaData: { TranscribeJobId: `transcribe-${EXECUTION_ID}` } });
    expect(client.calls[0]!.input['Media']).toEqual({ MediaFileUri: `s3://${BUCKET}/private/assets/a/clip_proxy.mp4` });
    expect(silent.Status).toBe('Complete');
    expect(client.calls).toHaveLength(1);
  });

  it('stores the completed transcript with TextTranscriptUri, as Media.Text, and passes the language on', async () => {
    const { objects, dataplane, deps } = dependencies({
      TranscriptionJobName: `transcribe-${EXECUTION_ID}`,
      TranscriptionJobStatus: 'COMPLETED',
      LanguageCode: 'en-US',
      Transcript: { TranscriptFileUri: 's3://transcribe-output/transcribe-job.json' },
    });
    dataplane.storeAssetMetadata = async (request) => {
      dataplane.stored.set(`${request.assetId}/${request.operatorName}`, request.results);
      return { Status: 'Success', Bucket: BUCKET, Key: `${FOLDER}TranscribeVideo.json` };
    };
    const event = operatorEvent({
      Name: 'TranscribeVideo',
      Input: { Media: media, MetaData: withAudio },
      MetaData: { TranscribeJobId: `transcribe-${EXECUTION_ID}` },
    });

    const output = await runTranscribeCheck(event, deps);

    expect(output).toMatchObject({
      Status: 'Complete',
      Media: { Text: { S3Bucket: BUCKET, S3Key: `${FOLDER}TranscribeVideo.json` } },
      MetaData: { TranscribeSourceLanguage: 'en-US' },
    });
    expect(dataplane.results('TranscribeVideo')).toEqual({
      ...TRANSCRIPT,
      TextTranscriptUri: { S3Bucket: BUCKET, S3Key: `${FOLDER}transcript.txt` },
    });
    expect(objects.texts.get(`${BUCKET}/${FOLDER}transcript.txt`)).toBe('Welcome to Amazon Transcribe.');
  });

  it("reports a failed job, a refused start and a file type it cannot read under the original's keys", async () => {
    const failed = dependencies({ TranscriptionJobStatus: 'FAILED', FailureReason: 'Unsupported media format' });
    const refusing = fakeClient({
      StartTranscriptionJob: () => {
        throw Object.assign(new Error('The requested job name already exists.'), {
          name: 'ConflictException',
          $metadata: {},
        });
      },
    });
    const check = operatorEvent({ Input: { Media: media, MetaData: withAudio }, MetaData: { TranscribeJobId: 'j' } });
    const start = operatorEvent({ Input: { Media: media, MetaData: withAudio } });
    const text = operatorEvent({ Input: { Media: { Video: { S3Bucket: 'b', S3Key: 'a.txt' } }, MetaData: withAudio } });

    const error = await failureOf(() => runTranscribeCheck(check, failed.deps));
    const refused = await failureOf(() =>
      runTranscribeStart(start, { ...failed.deps, transcribe: new TranscribeSpeech(refusing as never) }),
    );
    const wrongType = await failureOf(() => runTranscribeStart(text, failed.deps));

    expect(error.MetaData).toMatchObject({ TranscribeError: 'Unsupported media format', TranscribeJobId: 'j' });
    expect(refused.MetaData['transcribe_error']).toBe(
      'An error occurred (ConflictException) when calling the StartTranscriptionJob operation: The requested job name already exists.',
    );
    expect(wrongType.MetaData['TranscribeError']).toBe('Not a valid file type');
  });
});

describe('web captions', () => {
  it("breaks a transcript into lines at sentence ends and silences, as the original's WebCaptions", () => {
    const captions = transcriptToWebCaptions([TRANSCRIPT]);

    expect(captions).toEqual([
      {
        start: 0.64,
        caption: 'Welcome to Amazon Transcribe.',
        wordConfidence: [
          { w: 'welcome', c: 1 },
          { w: 'to', c: 1 },
          { w: 'amazon', c: 1 },
          { w: 'transcribe', c: 1 },
        ],
        end: 2.56,
      },
      { start: 4.5, caption: 'Goodbye', wordConfidence: [{ w: 'goodbye', c: 0.87 }], end: 4.9 },
    ]);
  });

  it('writes SRT and WebVTT with the original times (floored milliseconds) and reads WebVTT back', () => {
    const captions = [
      { start: 0.64, end: 2.3, caption: 'Welcome' },
      { start: 3661.5, end: 3662, caption: 'Later' },
    ];

    expect(formatCaptionTime(2.3, ',')).toBe('00:00:02,299');
    expect(webCaptionsToSrt(captions)).toBe(
      '1\n00:00:00,640 --> 00:00:02,299\nWelcome\n\n2\n01:01:01,500 --> 01:01:02,000\nLater\n\n',
    );
    expect(webCaptionsToVtt(captions)).toBe(
      'WEBVTT\n\n00:00:00.640 --> 00:00:02.299\nWelcome\n\n01:01:01.500 --> 01:01:02.000\nLater\n\n',
    );
    expect(vttToWebCaptions('WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500 align:start\nHello\nthere\n')).toEqual([
      { start: '1.0', end: '2.5', caption: 'Hello\nthere' },
    ]);
  });

  function dependencies() {
    const dataplane = new InMemoryDataplane();
    const objects = new MemoryObjects();
    const translate = fakeClient({
      TranslateText: (input) => ({
        TranslatedText: `[${input['TargetLanguageCode']}] ${input['Text']}`,
        SourceLanguageCode: input['SourceLanguageCode'],
        TargetLanguageCode: input['TargetLanguageCode'],
      }),
    });
    const polly = fakeClient({
      DescribeVoices: (input) => ({
        Voices: input['LanguageCode'] === 'es-ES' ? [{ Id: 'Lucia' }, { Id: 'Conchita' }] : [],
      }),
      StartSpeechSynthesisTask: () => ({ SynthesisTask: { TaskId: 'task-1', TaskStatus: 'scheduled' } }),
      GetSpeechSynthesisTask: () => ({
        SynthesisTask: {
          TaskId: 'task-1',
          TaskStatus: 'completed',
          OutputUri: `https://s3.us-east-1.amazonaws.com/${BUCKET}/${FOLDER}audio_only_es.task-1.mp3`,
        },
      }),
    });
    const deps: CaptionsDependencies = {
      dataplane,
      objects,
      translate: new TranslateText(translate as never),
      polly: new PollySpeech(polly as never),
      dataplaneBucket: BUCKET,
    };
    return { dataplane, objects, translate, polly, deps };
  }

  const afterTranscribe = (name: string, configuration: Record<string, unknown> = {}) =>
    operatorEvent({
      Name: name,
      Input: { Media: {}, MetaData: { TranscribeSourceLanguage: 'en-US' } },
      Configuration: { MediaType: 'MetadataOnly', Enabled: true, ...configuration },
    });

  it('stores WebCaptions_<lang> and WebCaptionsTranscribeVideo_<lang> from the stored transcript pages', async () => {
    const { dataplane, deps } = dependencies();
    await dataplane.storeAssetMetadata(
      { assetId: ASSET_ID, operatorName: 'TranscribeVideo', workflowId: EXECUTION_ID, results: TRANSCRIPT },
      { end: false },
    );
    await dataplane.storeAssetMetadata(
      {
        assetId: ASSET_ID,
        operatorName: 'TranscribeVideo',
        workflowId: EXECUTION_ID,
        results: { results: { items: [TRANSCRIPT.results.items[0]] } },
      },
      { end: true },
    );

    const output = await runWebCaptions(afterTranscribe('WebCaptions'), deps);

    const captions = (dataplane.results('WebCaptions_en') as { WebCaptions: { caption: string }[] }).WebCaptions;
    expect(output.Status).toBe('Complete');
    // The second page's word follows the first page's last one without a long silence: one line.
    expect(captions.map((line) => line.caption)).toEqual(['Welcome to Amazon Transcribe.', 'Goodbye Welcome']);
    expect(dataplane.results('WebCaptionsTranscribeVideo_en')).toEqual({ WebCaptions: captions });
  });

  it('translates WebCaptions_<source> line by line into each target and lists the translations', async () => {
    const { dataplane, objects, translate, deps } = dependencies();
    const lines = transcriptToWebCaptions([TRANSCRIPT]);
    await dataplane.storeAssetMetadata({
      assetId: ASSET_ID,
      operatorName: 'WebCaptions_en',
      workflowId: EXECUTION_ID,
      results: { WebCaptions: lines },
    });
    const event = afterTranscribe('TranslateWebCaptions', {
      TargetLanguageCodes: ['en', 'es'],
      SourceLanguageCode: 'fr',
      TerminologyNames: [{ Name: 'brands', TargetLanguageCodes: ['es'] }],
    });

    const output = await runStartTranslateWebCaptions(event, deps);

    const spanish = (dataplane.results('WebCaptions_es') as { WebCaptions: object[] }).WebCaptions;
    expect(output).toMatchObject({ Status: 'Executing', MetaData: { TranslateSourceLanguage: 'en' } });
    expect(translate.calls.map((call) => call.input)).toEqual(
      lines.map((line) => ({
        Text: line.caption,
        SourceLanguageCode: 'en',
        TargetLanguageCode: 'es',
        TerminologyNames: ['brands'],
      })),
    );
    expect(spanish[0]).toEqual({
      start: 0.64,
      end: 2.56,
      caption: '[es] Welcome to Amazon Transcribe.',
      sourceCaption: 'Welcome to Amazon Transcribe.',
    });
    expect(dataplane.results('WebCaptionsTranslate_es')).toEqual({ WebCaptions: spanish });
    expect(dataplane.results('TranslateWebCaptions')).toEqual({
      CaptionsCollection: [
        {
          OperatorName: 'TranslateWebCaptions_es',
          TranslationText: { S3Bucket: BUCKET, S3Key: `${FOLDER}translation_es.txt` },
          WorkflowId: EXECUTION_ID,
          TargetLanguageCode: 'es',
        },
      ],
    });
    expect(objects.texts.get(`${BUCKET}/${FOLDER}translation_es.txt`)).toBe(
      '[es] Welcome to Amazon Transcribe. [es] Goodbye',
    );

    const srt = await runCreateCaptions(
      afterTranscribe('WebToSRTCaptions', { TargetLanguageCodes: ['es'] }),
      deps,
      'srt',
    );
    expect(srt.Status).toBe('Complete');
    expect(dataplane.results('WebToSRTCaptions')).toEqual({
      CaptionsCollection: ['es', 'en'].map((language) => ({
        OperatorName: `Captions_${language}`,
        Results: { S3Bucket: BUCKET, S3Key: `${FOLDER}Captions_${language}.srt` },
        WorkflowId: EXECUTION_ID,
        LanguageCode: language,
      })),
    });
    expect(objects.texts.get(`${BUCKET}/${FOLDER}Captions_es.srt`)).toMatch(
      /^1\n00:00:00,640 --> 00:00:02,560\n\[es\]/,
    );

    const spoken = await runStartPollyWebCaptions(afterTranscribe('PollyWebCaptions'), deps);
    expect(spoken.MetaData['PollyCollection']).toEqual([
      expect.objectContaining({
        VoiceId: 'Lucia',
        PollyTaskId: 'task-1',
        PollyStatus: 'started',
        PollyAudio: { S3Bucket: BUCKET, S3Key: `${FOLDER}audio_only_es.task-1.mp3` },
      }),
    ]);
    const done = await runCheckPollyWebCaptions({ ...spoken, Input: afterTranscribe('x').Input }, deps);
    expect(done.Status).toBe('Complete');
    expect(dataplane.results('PollyWebCaptions')).toMatchObject({
      CaptionsCollection: [{ PollyAudio: { Uri: expect.stringContaining('audio_only_es.task-1.mp3') } }],
    });
  });

  it('fails with WebCaptionsError when no source language is known or a caption language was never stored', async () => {
    const { deps } = dependencies();
    const noLanguage = operatorEvent({
      Name: 'WebCaptions',
      Configuration: { MediaType: 'MetadataOnly', Enabled: true },
    });

    const missing = await failureOf(() => runWebCaptions(noLanguage, deps));
    const notStored = await failureOf(() =>
      runCreateCaptions(afterTranscribe('CreateVTTCaptions', { TargetLanguageCodes: ['de'] }), deps, 'vtt'),
    );
    const noTargets = await failureOf(() => runCreateCaptions(afterTranscribe('CreateVTTCaptions'), deps, 'vtt'));

    expect(missing.MetaData).toEqual({ WebCaptionsError: "No valid inputs 'SourceLanguageCode'" });
    expect(notStored.MetaData['WebCaptionsError']).toContain('WebCaptions_de');
    expect(noTargets.MetaData).toEqual({ WebCaptionsError: "Missing a required metadata key 'TargetLanguageCodes'" });
  });
});

describe('ComprehendEntities and ComprehendKeyPhrases', () => {
  async function outputArchive(lines: string): Promise<Uint8Array> {
    const archive = pack();
    archive.entry({ name: 'output' }, lines);
    archive.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of archive) chunks.push(chunk as Buffer);
    return gzipSync(Buffer.concat(chunks));
  }

  async function dependencies(status: string) {
    const outputUri = `s3://${BUCKET}/${FOLDER}comprehend_entities/111122223333-NER-abc123/output/output.tar.gz`;
    const client = fakeClient({
      StartEntitiesDetectionJob: () => ({ JobId: 'abc123', JobStatus: 'SUBMITTED' }),
      StartKeyPhrasesDetectionJob: () => ({ JobId: 'def456', JobStatus: 'SUBMITTED' }),
      DescribeEntitiesDetectionJob: () => ({
        EntitiesDetectionJobProperties: {
          JobId: 'abc123',
          JobStatus: status,
          LanguageCode: 'en',
          Message: status === 'FAILED' ? 'NO_READ_ACCESS_TO_INPUT' : undefined,
          OutputDataConfig: { S3Uri: outputUri },
        },
      }),
    });
    const objects = new MemoryObjects();
    objects.texts.set(`${BUCKET}/${FOLDER}TranscribeVideo.json`, JSON.stringify({
      ...TRANSCRIPT,
      TextTranscriptUri: { S3Bucket: BUCKET, S3Key: `${FOLDER}transcript.txt` },
    })); // prettier-ignore
    objects.texts.set(`${BUCKET}/${FOLDER}transcript.txt`, 'Welcome to Amazon Transcribe.');
    objects.texts.set(`${BUCKET}/${FOLDER}empty.txt`, '');
    const entities =
      '{"Entities":[{"BeginOffset":11,"EndOffset":28,"Score":0.98,"Text":"Amazon Transcribe","Type":"COMMERCIAL_ITEM"}],"File":"transcript.txt"}\n';
    objects.texts.set(outputUri.replace('s3://', ''), await outputArchive(entities));
    const dataplane = new InMemoryDataplane();
    const deps: ComprehendDependencies = {
      comprehend: new ComprehendLanguage(client as never),
      objects,
      dataplane,
      role: 'arn:aws:iam::111122223333:role/ComprehendRole',
      dataplaneBucket: BUCKET,
    };
    return { client, dataplane, deps, entities };
  }

  const textEvent = (name: string, key: string) =>
    operatorEvent({
      Name: name,
      Input: { Media: { Text: { S3Bucket: BUCKET, S3Key: `${FOLDER}${key}` } }, MetaData: {} },
      Configuration: { MediaType: 'Text', Enabled: true },
    });

  it('starts an English job on the text a TranscribeVideo result points to, writing under the execution folder', async () => {
    const { client, deps } = await dependencies('IN_PROGRESS');

    const entities = await runComprehendStart(textEvent('ComprehendEntities', 'TranscribeVideo.json'), deps);
    const phrases = await runComprehendStart(textEvent('ComprehendKeyPhrases', 'transcript.txt'), deps);
    const empty = await runComprehendStart(textEvent('ComprehendKeyPhrases', 'empty.txt'), deps);

    expect(client.calls[0]).toEqual({
      command: 'StartEntitiesDetectionJob',
      input: {
        InputDataConfig: { S3Uri: `s3://${BUCKET}/${FOLDER}transcript.txt`, InputFormat: 'ONE_DOC_PER_FILE' },
        OutputDataConfig: { S3Uri: `s3://${BUCKET}/${FOLDER}comprehend_entities` },
        DataAccessRoleArn: deps.role,
        LanguageCode: 'en',
        JobName: EXECUTION_ID,
      },
    });
    expect(entities).toMatchObject({ Status: 'Executing', MetaData: { comprehend_entity_job_id: 'abc123' } });
    expect(phrases).toMatchObject({
      Status: 'Executing',
      MetaData: { comprehend_phrases_job_id: 'def456', output_uri: `s3://${BUCKET}/${FOLDER}comprehend_phrases` },
    });
    expect(empty).toMatchObject({ Status: 'Complete', MetaData: { comprehend_phrases_job_id: EMPTY_INPUT } });
    expect(client.calls).toHaveLength(2);
  });

  it("stores the job's output files as text under the original's data plane name", async () => {
    const { dataplane, deps, entities } = await dependencies('COMPLETED');
    const event = {
      ...textEvent('ComprehendEntities', 'transcript.txt'),
      MetaData: { comprehend_entity_job_id: 'abc123' },
    };

    const output = await runComprehendCheck(event, deps);

    expect(output.Status).toBe('Complete');
    expect(dataplane.results('entities')).toEqual({ LanguageCode: 'en', Results: [entities] });
  });

  it('waits while the job runs and fails with comprehend_error when it failed', async () => {
    const running = await dependencies('IN_PROGRESS');
    const failed = await dependencies('FAILED');
    const event = {
      ...textEvent('ComprehendEntities', 'transcript.txt'),
      MetaData: { comprehend_entity_job_id: 'abc123' },
    };

    expect((await runComprehendCheck(event, running.deps)).Status).toBe('Executing');
    const error = await failureOf(() => runComprehendCheck(event, failed.deps));
    expect(error.MetaData).toMatchObject({
      comprehend_error: 'comprehend returned as failed: NO_READ_ACCESS_TO_INPUT',
    });
  });
});

describe('Translate and Polly', () => {
  it('translates the transcript of Media.Text and stores the translation as the next Media.Text', async () => {
    const objects = new MemoryObjects();
    objects.texts.set(`${BUCKET}/${FOLDER}TranscribeVideo.json`, JSON.stringify(TRANSCRIPT));
    const client = fakeClient({
      TranslateText: (input) => ({
        TranslatedText: 'Добро пожаловать.',
        SourceLanguageCode: input['SourceLanguageCode'],
      }),
    });
    const dataplane = new InMemoryDataplane();
    dataplane.storeAssetMetadata = async (request) => {
      dataplane.stored.set(`${request.assetId}/${request.operatorName}`, request.results);
      return { Status: 'Success', Bucket: BUCKET, Key: `${FOLDER}Translate.json` };
    };
    const event = operatorEvent({
      Name: 'Translate',
      Input: { Media: { Text: { S3Bucket: BUCKET, S3Key: `${FOLDER}TranscribeVideo.json` } }, MetaData: {} },
      Configuration: { MediaType: 'Text', Enabled: true, SourceLanguageCode: 'en', TargetLanguageCode: 'ru' },
    });

    const output = await runTranslate(event, { translate: new TranslateText(client as never), objects, dataplane });

    expect(client.calls[0]!.input).toEqual({
      Text: ' Welcome to Amazon Transcribe.',
      SourceLanguageCode: 'en',
      TargetLanguageCode: 'ru',
    });
    expect(dataplane.results('Translate')).toEqual({
      TranslatedText: ' Добро пожаловать.',
      SourceLanguageCode: 'en',
      TargetLanguageCode: 'ru',
    });
    expect(output.Media['Text']).toEqual({ S3Bucket: BUCKET, S3Key: `${FOLDER}Translate.json` });
  });

  it('speaks a translation in the voice of its language and hands on the audio as Media.Audio', async () => {
    const objects = new MemoryObjects();
    objects.texts.set(`${BUCKET}/${FOLDER}Translate.json`, JSON.stringify({ TranslatedText: ' Hola a todos.' }));
    const polly = fakeClient({
      StartSpeechSynthesisTask: () => ({ SynthesisTask: { TaskId: 't-7', TaskStatus: 'scheduled' } }),
      GetSpeechSynthesisTask: () => ({
        SynthesisTask: {
          TaskId: 't-7',
          TaskStatus: 'completed',
          OutputUri: `https://s3.us-east-1.amazonaws.com/${BUCKET}/${FOLDER}translation.t-7.mp3`,
        },
      }),
    });
    const comprehend = fakeClient({
      DetectDominantLanguage: () => ({ Languages: [{ LanguageCode: 'es', Score: 0.99 }] }),
    });
    const deps = {
      polly: new PollySpeech(polly as never),
      comprehend: new ComprehendLanguage(comprehend as never),
      objects,
    };
    const event = operatorEvent({
      Name: 'Polly',
      Input: { Media: { Text: { S3Bucket: BUCKET, S3Key: `${FOLDER}Translate.json` } }, MetaData: {} },
    });

    const started = await runPollyStart(event, deps);
    const done = await runPollyCheck(started, deps);

    expect(polly.calls[0]!.input).toMatchObject({ VoiceId: 'Lucia', OutputS3KeyPrefix: `${FOLDER}translation` });
    expect(started.MetaData).toMatchObject({ PollyJobId: 't-7' });
    expect(done).toMatchObject({
      Status: 'Complete',
      Media: { Audio: { S3Bucket: BUCKET, S3Key: `${FOLDER}translation.t-7.mp3` } },
    });
  });
});
