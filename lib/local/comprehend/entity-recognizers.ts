import * as path from 'node:path';
import { page, RecordStore } from '../ai-support/records';
import { ObjectAccessError, parseS3Uri, type S3Location, type ServiceObjects } from '../ai-support/s3-objects';
import { Validator } from '../ai-support/validation';
import { WorkQueue } from '../ai-support/work-queue';
import { AwsError } from '../protocol/wire';

type RecognizerStatus = 'SUBMITTED' | 'TRAINING' | 'STOP_REQUESTED' | 'STOPPED' | 'IN_ERROR' | 'TRAINED';

const STATUSES: readonly string[] = [
  'SUBMITTED',
  'TRAINING',
  'DELETING',
  'STOP_REQUESTED',
  'STOPPED',
  'IN_ERROR',
  'TRAINED',
  'TRAINED_WITH_WARNING',
];
/** The languages Comprehend trains custom entity recognizers for. */
const RECOGNIZER_LANGUAGES = ['en', 'es', 'fr', 'it', 'de', 'pt'];
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
const S3_URI = /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/;
const ENTITY_TYPE = /^(?![^\n\r\t,]*\\n|\\r|\\t)[^\n\r\t,]+$/;
const ROLE = /^arn:aws(-[^:]+)?:iam::[0-9]{12}:role\/.+$/;
const ARN =
  /^arn:aws(-[^:]+)?:comprehend:[a-zA-Z0-9-]*:[0-9]{12}:entity-recognizer\/[a-zA-Z0-9](-*[a-zA-Z0-9])*(\/version\/[a-zA-Z0-9](-*[a-zA-Z0-9])*)?$/;

/** An entity the trained recognizer knows: its text as written in the entity list or annotations, and its type. */
export interface KnownEntity {
  readonly text: string;
  readonly type: string;
}

interface RecognizerRecord {
  readonly arn: string;
  readonly languageCode: string;
  readonly entityTypes: string[];
  readonly inputDataConfig: Record<string, unknown>;
  readonly dataAccessRoleArn: string;
  readonly versionName?: string;
  status: RecognizerStatus;
  readonly submitMs: number;
  trainingStartMs?: number;
  trainingEndMs?: number;
  endMs?: number;
  message?: string;
  entities?: KnownEntity[];
  metadata?: { trained: number; test: number; mentions: Record<string, number> };
}

const invalid = (message: string) => new AwsError('InvalidRequestException', message, 400);
const notFound = (arn: string) =>
  new AwsError('ResourceNotFoundException', `Resource with ARN ${arn} could not be found.`, 400);

/** Why training stopped, in words the recognizer's `Message` carries. */
class TrainingProblem extends Error {}

/**
 * Comprehend's custom entity recognizers (CreateEntityRecognizer and its Describe, List, Delete and StopTraining),
 * kept under `entity-recognizers/`. Training reads the documents and the entity list or annotations from S3, checks
 * them as the service does (types declared, each type seen in the documents), splits off the test documents and
 * keeps the entities it learned; entity detection jobs given the recognizer's ARN then find those entities.
 */
export class EntityRecognizers {
  private readonly records: RecordStore<RecognizerRecord>;
  private readonly queue: WorkQueue;

  constructor(
    directory: string,
    private readonly options: {
      readonly region: string;
      readonly objects: ServiceObjects;
      readonly now: () => number;
      readonly log?: (message: string) => void;
    },
  ) {
    this.records = new RecordStore(path.join(directory, 'entity-recognizers'));
    this.queue = new WorkQueue(
      (arn) => this.train(arn),
      1,
      (arn, error) => options.log?.(`comprehend: ${arn}: ${String(error)}`),
    );
    for (const record of this.records.all()) {
      if (record.status === 'SUBMITTED' || record.status === 'TRAINING') this.queue.enqueue(record.arn);
      if (record.status === 'STOP_REQUESTED') this.finish(record.arn, 'STOPPED');
    }
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  create(input: Record<string, unknown>, accountId: string): unknown {
    const v = new Validator(input);
    const name = v.string('RecognizerName', { required: true, max: 63, pattern: NAME }) as string;
    const versionName = v.string('VersionName', { max: 63, pattern: NAME });
    const role = v.string('DataAccessRoleArn', { required: true, min: 20, max: 2048, pattern: ROLE }) as string;
    const languageCode = v.string('LanguageCode', {
      required: true,
      values: ['en', 'es', 'fr', 'de', 'it', 'pt', 'ar', 'hi', 'ja', 'ko', 'zh', 'zh-TW'],
    }) as string;
    const data = v.object('InputDataConfig', true);
    const format = data?.string('DataFormat', { values: ['COMPREHEND_CSV', 'AUGMENTED_MANIFEST'] });
    const types = (data?.list('EntityTypes', { required: true }) ?? []) as Array<{ Type?: unknown }>;
    const documents = data?.object('Documents');
    documents?.string('S3Uri', { required: true, max: 1024, pattern: S3_URI });
    documents?.string('TestS3Uri', { max: 1024, pattern: S3_URI });
    documents?.string('InputFormat', { values: ['ONE_DOC_PER_FILE', 'ONE_DOC_PER_LINE'] });
    const annotations = data?.object('Annotations');
    annotations?.string('S3Uri', { required: true, max: 1024, pattern: S3_URI });
    annotations?.string('TestS3Uri', { max: 1024, pattern: S3_URI });
    const entityList = data?.object('EntityList');
    entityList?.string('S3Uri', { required: true, max: 1024, pattern: S3_URI });
    v.string('ClientRequestToken', { min: 1, max: 64, pattern: /^[a-zA-Z0-9-]+$/ });
    v.list('Tags');
    v.check('ValidationException');
    if (!RECOGNIZER_LANGUAGES.includes(languageCode)) {
      throw invalid(`Custom entity recognition isn't supported for the language ${languageCode}.`);
    }
    if (format === 'AUGMENTED_MANIFEST') {
      throw invalid('Local mode trains from COMPREHEND_CSV data only (documents with an entity list or annotations).');
    }
    if (!documents) throw invalid('Documents must be provided for the COMPREHEND_CSV data format.');
    if ((annotations === undefined) === (entityList === undefined)) {
      throw invalid('Provide either Annotations or EntityList for the COMPREHEND_CSV data format, but not both.');
    }
    const entityTypes = types.map((type) => type?.Type);
    if (entityTypes.length < 1 || entityTypes.length > 25) {
      throw invalid('EntityTypes must list from 1 to 25 entity types.');
    }
    for (const type of entityTypes) {
      if (typeof type !== 'string' || !ENTITY_TYPE.test(type) || type.length > 64) {
        throw invalid(`The entity type ${JSON.stringify(type)} isn't valid.`);
      }
    }
    if (new Set(entityTypes).size !== entityTypes.length) throw invalid('EntityTypes must not repeat a type.');
    const arn = `arn:aws:comprehend:${this.options.region}:${accountId}:entity-recognizer/${name}${
      versionName !== undefined ? `/version/${versionName}` : ''
    }`;
    if (this.records.get(arn)) {
      throw new AwsError('ResourceInUseException', `Entity recognizer ${arn} already exists.`, 400);
    }
    this.records.put(arn, {
      arn,
      languageCode,
      entityTypes: entityTypes as string[],
      inputDataConfig: { DataFormat: 'COMPREHEND_CSV', ...(input.InputDataConfig as Record<string, unknown>) },
      dataAccessRoleArn: role,
      ...(versionName !== undefined ? { versionName } : {}),
      status: 'SUBMITTED',
      submitMs: this.options.now(),
    });
    this.queue.enqueue(arn);
    return { EntityRecognizerArn: arn };
  }

  describe(input: Record<string, unknown>): unknown {
    return { EntityRecognizerProperties: this.properties(this.find(input)) };
  }

  list(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const filter = v.object('Filter');
    const status = filter?.string('Status', { values: STATUSES });
    const name = filter?.string('RecognizerName', { max: 63, pattern: NAME });
    const maxResults = v.number('MaxResults', { min: 1, max: 500 });
    const nextToken = v.string('NextToken', { min: 1 });
    v.check('ValidationException');
    const times = (input.Filter ?? {}) as { SubmitTimeBefore?: number; SubmitTimeAfter?: number };
    if (times.SubmitTimeBefore !== undefined && times.SubmitTimeAfter !== undefined) {
      throw new AwsError(
        'InvalidFilterException',
        'Filter can contain only one of SubmitTimeBefore and SubmitTimeAfter.',
        400,
      );
    }
    const listed = page(
      this.records
        .all()
        .filter((record) => status === undefined || record.status === status)
        .filter((record) => name === undefined || recognizerName(record.arn) === name)
        .filter((record) => times.SubmitTimeBefore === undefined || record.submitMs < times.SubmitTimeBefore * 1000)
        .filter((record) => times.SubmitTimeAfter === undefined || record.submitMs > times.SubmitTimeAfter * 1000)
        .sort((a, b) => a.submitMs - b.submitMs || a.arn.localeCompare(b.arn)),
      { maxResults, nextToken, defaultMax: 100, scope: `recognizers:${JSON.stringify(input.Filter ?? {})}` },
      () => invalid('Invalid NextToken.'),
    );
    return {
      EntityRecognizerPropertiesList: listed.items.map((record) => this.properties(record)),
      ...(listed.nextToken !== undefined ? { NextToken: listed.nextToken } : {}),
    };
  }

  delete(input: Record<string, unknown>): unknown {
    const record = this.find(input);
    this.queue.cancel(record.arn);
    this.records.delete(record.arn);
    return {};
  }

  stopTraining(input: Record<string, unknown>): unknown {
    const record = this.find(input);
    if (record.status === 'SUBMITTED' && this.queue.cancel(record.arn)) this.finish(record.arn, 'STOPPED');
    else if (record.status === 'SUBMITTED' || record.status === 'TRAINING') {
      this.update(record.arn, (current) => (current.status = 'STOP_REQUESTED'));
    } else {
      throw invalid(
        `Entity recognizer ${record.arn} is ${record.status}: only a recognizer in training can be stopped.`,
      );
    }
    return {};
  }

  /** The entities a trained recognizer knows, for an entity detection job given its ARN. */
  trainedEntities(arn: string): KnownEntity[] {
    const record = this.records.get(arn);
    if (!record) throw notFound(arn);
    if (record.status !== 'TRAINED') {
      throw new AwsError(
        'ResourceUnavailableException',
        `Entity recognizer ${arn} is ${record.status}, not TRAINED.`,
        400,
      );
    }
    return record.entities ?? [];
  }

  private find(input: Record<string, unknown>): RecognizerRecord {
    const v = new Validator(input);
    const arn = v.string('EntityRecognizerArn', { required: true, max: 256, pattern: ARN }) as string;
    v.check('ValidationException');
    const record = this.records.get(arn);
    if (!record) throw notFound(arn);
    return record;
  }

  private properties(record: RecognizerRecord): Record<string, unknown> {
    return {
      EntityRecognizerArn: record.arn,
      LanguageCode: record.languageCode,
      Status: record.status,
      ...(record.message !== undefined ? { Message: record.message } : {}),
      SubmitTime: new Date(record.submitMs),
      ...(record.endMs !== undefined ? { EndTime: new Date(record.endMs) } : {}),
      ...(record.trainingStartMs !== undefined ? { TrainingStartTime: new Date(record.trainingStartMs) } : {}),
      ...(record.trainingEndMs !== undefined ? { TrainingEndTime: new Date(record.trainingEndMs) } : {}),
      InputDataConfig: record.inputDataConfig,
      ...(record.metadata
        ? {
            RecognizerMetadata: {
              NumberOfTrainedDocuments: record.metadata.trained,
              NumberOfTestDocuments: record.metadata.test,
              EntityTypes: record.entityTypes.map((type) => ({
                Type: type,
                NumberOfTrainMentions: record.metadata?.mentions[type] ?? 0,
              })),
            },
          }
        : {}),
      DataAccessRoleArn: record.dataAccessRoleArn,
      ...(record.versionName !== undefined ? { VersionName: record.versionName } : {}),
    };
  }

  private update(arn: string, change: (record: RecognizerRecord) => void): RecognizerRecord | undefined {
    const record = this.records.get(arn);
    if (!record) return undefined;
    change(record);
    this.records.put(arn, record);
    return record;
  }

  private finish(arn: string, status: RecognizerStatus, message?: string): void {
    this.update(arn, (record) => {
      record.status = status;
      record.endMs = this.options.now();
      if (status === 'TRAINED' || record.trainingStartMs !== undefined) record.trainingEndMs = this.options.now();
      if (message !== undefined) record.message = message;
    });
  }

  private async train(arn: string): Promise<void> {
    const record = this.update(arn, (current) => {
      if (current.status !== 'SUBMITTED') return;
      current.status = 'TRAINING';
      current.trainingStartMs = this.options.now();
    });
    if (!record || record.status !== 'TRAINING') {
      if (record?.status === 'STOP_REQUESTED') this.finish(arn, 'STOPPED');
      return;
    }
    try {
      const config = record.inputDataConfig as {
        Documents: { S3Uri: string; TestS3Uri?: string; InputFormat?: string };
        Annotations?: { S3Uri: string };
        EntityList?: { S3Uri: string };
      };
      const perLine = config.Documents.InputFormat !== 'ONE_DOC_PER_FILE';
      const documents = await this.documents(config.Documents.S3Uri, perLine);
      if (documents.length === 0) throw new TrainingProblem(`No documents were found at ${config.Documents.S3Uri}.`);
      const entities = config.EntityList
        ? this.entityList(await this.text(config.EntityList.S3Uri), record.entityTypes)
        : this.annotated(await this.text((config.Annotations as { S3Uri: string }).S3Uri), documents, record);
      const mentions: Record<string, number> = {};
      for (const type of record.entityTypes) {
        const known = entities.filter((entity) => entity.type === type);
        mentions[type] = documents.reduce((sum, document) => sum + countMentions(document.text, known), 0);
        if (mentions[type] === 0) {
          throw new TrainingProblem(`The entity type ${type} has no mentions in the training documents.`);
        }
      }
      const test = config.Documents.TestS3Uri
        ? (await this.documents(config.Documents.TestS3Uri, perLine)).length
        : Math.floor(documents.length / 10);
      if (this.records.get(arn)?.status === 'STOP_REQUESTED') {
        this.finish(arn, 'STOPPED');
        return;
      }
      this.update(arn, (current) => {
        current.entities = entities;
        current.metadata = { trained: documents.length - (config.Documents.TestS3Uri ? 0 : test), test, mentions };
      });
      this.finish(arn, 'TRAINED');
    } catch (error) {
      const message =
        error instanceof TrainingProblem
          ? error.message
          : error instanceof ObjectAccessError
            ? `NO_READ_ACCESS_TO_INPUT: ${error.message}`
            : 'INTERNAL_ERROR: The local training stopped. Check the local mode log.';
      if (!(error instanceof TrainingProblem) && !(error instanceof ObjectAccessError)) {
        this.options.log?.(`comprehend: training ${arn} failed: ${String(error)}`);
      }
      this.finish(arn, 'IN_ERROR', message);
    }
  }

  private async text(uri: string): Promise<string> {
    const location = parseS3Uri(uri) as S3Location;
    return (await this.options.objects.read(location, 100 * 1024 ** 2)).toString('utf8');
  }

  /** Every document under the prefix: each line of each file, or each file whole. */
  private async documents(uri: string, perLine: boolean): Promise<Array<{ file: string; line: number; text: string }>> {
    const location = parseS3Uri(uri) as S3Location;
    const documents: Array<{ file: string; line: number; text: string }> = [];
    for (const object of await this.options.objects.list(location.bucket, location.key)) {
      const text = (await this.options.objects.read({ bucket: location.bucket, key: object.key })).toString('utf8');
      const file = path.posix.basename(object.key);
      if (!perLine) documents.push({ file, line: 0, text });
      else
        text
          .split(/\r?\n/)
          .forEach((line, index) => line.trim() !== '' && documents.push({ file, line: index, text: line }));
    }
    return documents;
  }

  /** A CSV with `Text` and `Type` columns (a header row names them). */
  private entityList(csv: string, entityTypes: readonly string[]): KnownEntity[] {
    const [header, ...rows] = csvRows(csv);
    const textColumn = header?.indexOf('Text') ?? -1;
    const typeColumn = header?.indexOf('Type') ?? -1;
    if (textColumn < 0 || typeColumn < 0)
      throw new TrainingProblem('The entity list must have the columns Text and Type.');
    return rows.map((row) => {
      const entity = { text: row[textColumn] ?? '', type: row[typeColumn] ?? '' };
      if (!entityTypes.includes(entity.type)) {
        throw new TrainingProblem(`The entity list has the type ${entity.type}, which EntityTypes does not declare.`);
      }
      return entity;
    });
  }

  /** A CSV with `File`, `Line`, `Begin Offset`, `End Offset` and `Type`: the annotated spans become known entities. */
  private annotated(
    csv: string,
    documents: ReadonlyArray<{ file: string; line: number; text: string }>,
    record: RecognizerRecord,
  ): KnownEntity[] {
    const [header, ...rows] = csvRows(csv);
    const column = (name: string) => header?.indexOf(name) ?? -1;
    const [file, line, begin, end, type] = ['File', 'Line', 'Begin Offset', 'End Offset', 'Type'].map(column);
    if ([file, begin, end, type].some((index) => index === undefined || index < 0)) {
      throw new TrainingProblem('The annotations must have the columns File, Line, Begin Offset, End Offset and Type.');
    }
    const entities = new Map<string, KnownEntity>();
    for (const row of rows) {
      const entityType = row[type as number] ?? '';
      if (!record.entityTypes.includes(entityType)) {
        throw new TrainingProblem(`The annotations have the type ${entityType}, which EntityTypes does not declare.`);
      }
      const lineNumber = line !== undefined && line >= 0 ? Number(row[line]) : 0;
      const document = documents.find((item) => item.file === row[file as number] && item.line === lineNumber);
      if (!document)
        throw new TrainingProblem(
          `An annotation names ${row[file as number]}, line ${lineNumber}, which is not a training document.`,
        );
      const text = document.text.slice(Number(row[begin as number]), Number(row[end as number]));
      if (text.trim() !== '') entities.set(`${entityType}\u0000${text}`, { text, type: entityType });
    }
    return [...entities.values()];
  }
}

function recognizerName(arn: string): string {
  return (arn.split('/')[1] ?? '') as string;
}

function csvRows(csv: string): string[][] {
  return csv
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1')));
}

function countMentions(text: string, entities: readonly KnownEntity[]): number {
  return entities.reduce((sum, entity) => sum + findMentions(text, entity.text).length, 0);
}

/** Where `term` occurs in `text` as whole words, case-insensitively: its begin offsets. */
export function findMentions(text: string, term: string): number[] {
  if (term === '') return [];
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu');
  return [...text.matchAll(pattern)].map((match) => match.index ?? 0);
}
