/**
 * The workflow API's `/service/transcribe/*` and `/service/translate/*` routes: the original's thin proxies to
 * Transcribe custom vocabularies and language models and Translate terminologies and parallel data. Each takes the
 * original's body (its own field names, or the SDK's for the routes that pass the body on as the request) and
 * answers what the original's boto3 call answered: the service's output with times in Python's `isoformat()` and,
 * where the original kept it, boto3's `ResponseMetadata`.
 */
import { BadRequestError, ConflictError, NotFoundError, isPlainObject } from '../../../shared/http';
import { ServiceRefusal, type ServiceAnswer } from '../../../shared/ai/answers';
import type { TranscribeCustomizations } from '../../../shared/ai/transcribe';
import type { TranslateCustomizations } from '../../../shared/ai/translate';

export interface ServiceProxyPorts {
  readonly transcribe: Pick<
    TranscribeCustomizations,
    | 'createVocabulary'
    | 'getVocabulary'
    | 'deleteVocabulary'
    | 'listVocabularies'
    | 'downloadVocabulary'
    | 'describeLanguageModel'
    | 'listLanguageModels'
  >;
  readonly translate: Pick<
    TranslateCustomizations,
    | 'importTerminology'
    | 'getTerminology'
    | 'deleteTerminology'
    | 'listTerminologies'
    | 'createParallelData'
    | 'getParallelData'
    | 'deleteParallelData'
    | 'listParallelData'
    | 'download'
  >;
}

type Body = Record<string, unknown>;

const NOT_FOUND = new Set(['NotFoundException', 'ResourceNotFoundException']);
const CONFLICT = new Set(['ConflictException', 'ConcurrentModificationException']);

export class ServiceProxy {
  constructor(private readonly ports: ServiceProxyPorts) {}

  // ---- Transcribe ----

  async getVocabulary(body: unknown): Promise<Body> {
    const name = field(body, 'vocabulary_name');
    return withMetadata(await this.call(() => this.ports.transcribe.getVocabulary(name)));
  }

  /**
   * The vocabulary's table as objects keyed by its header row. As in the original, a line with another number of
   * cells than the header (a blank last line included) becomes `{}`.
   */
  async downloadVocabulary(body: unknown): Promise<Body> {
    const name = field(body, 'vocabulary_name');
    const { output } = await this.call(() => this.ports.transcribe.getVocabulary(name));
    if (output.DownloadUri === undefined) {
      throw new ConflictError(
        `Vocabulary ${name} is ${output.VocabularyState ?? 'not ready'}: its file can be downloaded once it is READY`,
      );
    }
    const text = await this.ports.transcribe.downloadVocabulary(output.DownloadUri);
    const [header = '', ...lines] = text.split('\n');
    const fields = header.split('\t');
    const vocabulary = lines.map((line) => {
      const cells = line.split('\t');
      return cells.length === fields.length ? Object.fromEntries(fields.map((name, i) => [name, cells[i]])) : {};
    });
    return { vocabulary };
  }

  async listVocabularies(): Promise<Body> {
    return withMetadata(await this.call(() => this.ports.transcribe.listVocabularies()));
  }

  async deleteVocabulary(body: unknown): Promise<Body> {
    const name = field(body, 'vocabulary_name');
    return withMetadata(await this.call(() => this.ports.transcribe.deleteVocabulary(name)));
  }

  async createVocabulary(body: unknown): Promise<Body> {
    const name = field(body, 'vocabulary_name');
    const languageCode = field(body, 'language_code');
    const fileUri = field(body, 's3uri');
    return withMetadata(
      await this.call(() =>
        this.ports.transcribe.createVocabulary({
          VocabularyName: name,
          LanguageCode: languageCode as never,
          VocabularyFileUri: fileUri,
        }),
      ),
    );
  }

  async listLanguageModels(): Promise<Body> {
    return withMetadata(await this.call(() => this.ports.transcribe.listLanguageModels()));
  }

  async describeLanguageModel(body: unknown): Promise<Body> {
    const { ModelName } = requestParameters(body, { ModelName: 'string' }, ['ModelName']);
    return withMetadata(await this.call(() => this.ports.transcribe.describeLanguageModel(ModelName as string)));
  }

  // ---- Translate ----

  /** The one answer the original strips of `ResponseMetadata`. */
  async getTerminology(body: unknown): Promise<Body> {
    const name = field(body, 'terminology_name');
    const { output } = await this.call(() => this.ports.translate.getTerminology(name, 'CSV'));
    return pythonTimes(output) as Body;
  }

  async downloadTerminology(body: unknown): Promise<Body> {
    const name = field(body, 'terminology_name');
    const { output } = await this.call(() => this.ports.translate.getTerminology(name, 'CSV'));
    const location = output.TerminologyDataLocation?.Location;
    if (location === undefined) throw new ConflictError(`Terminology ${name} has no file to download`);
    return { terminology: await this.ports.translate.download(location, 'The terminology') };
  }

  async listTerminologies(): Promise<Body> {
    return withMetadata(await this.call(() => this.ports.translate.listTerminologies()));
  }

  async deleteTerminology(body: unknown): Promise<Body> {
    const name = field(body, 'terminology_name');
    return withMetadata(await this.call(() => this.ports.translate.deleteTerminology(name)));
  }

  /** Imported with `MergeStrategy: OVERWRITE`, so posting a terminology again replaces it. */
  async createTerminology(body: unknown): Promise<Body> {
    const name = field(body, 'terminology_name');
    const csv = field(body, 'terminology_csv');
    return withMetadata(
      await this.call(() =>
        this.ports.translate.importTerminology({
          Name: name,
          MergeStrategy: 'OVERWRITE',
          TerminologyData: { File: new TextEncoder().encode(csv), Format: 'CSV' },
        }),
      ),
    );
  }

  async getParallelData(body: unknown): Promise<Body> {
    const { Name } = requestParameters(body, { Name: 'string' }, ['Name']);
    return withMetadata(await this.call(() => this.ports.translate.getParallelData(Name as string)));
  }

  /** The parallel data file as it was imported (CSV, TSV or TMX), under the original's `parallel_data_csv`. */
  async downloadParallelData(body: unknown): Promise<Body> {
    const { Name } = requestParameters(body, { Name: 'string' }, ['Name']);
    const { output } = await this.call(() => this.ports.translate.getParallelData(Name as string));
    const location = output.DataLocation?.Location;
    if (location === undefined) {
      throw new ConflictError(
        `Parallel data ${String(Name)} is ${output.ParallelDataProperties?.Status ?? 'not ready'}: its file can be downloaded once it is ACTIVE`,
      );
    }
    return { parallel_data_csv: await this.ports.translate.download(location, 'The parallel data') };
  }

  async listParallelData(): Promise<Body> {
    return withMetadata(await this.call(() => this.ports.translate.listParallelData()));
  }

  async deleteParallelData(body: unknown): Promise<Body> {
    const { Name } = requestParameters(body, { Name: 'string' }, ['Name']);
    return withMetadata(await this.call(() => this.ports.translate.deleteParallelData(Name as string)));
  }

  /** The body is the request, as boto3 would take it (an absent `ClientToken` is generated, as boto3 does). */
  async createParallelData(body: unknown): Promise<Body> {
    const input = requestParameters(
      body,
      {
        Name: 'string',
        Description: 'string',
        ParallelDataConfig: 'object',
        EncryptionKey: 'object',
        ClientToken: 'string',
        Tags: 'array',
      },
      ['Name', 'ParallelDataConfig'],
    );
    return withMetadata(await this.call(() => this.ports.translate.createParallelData(input as never)));
  }

  /** The service's refusals of the request become the matching client error, with the service's message. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ServiceRefusal)) throw error;
      if (NOT_FOUND.has(error.errorName)) throw new NotFoundError(error.message);
      if (CONFLICT.has(error.errorName)) throw new ConflictError(error.message);
      throw new BadRequestError(error.message);
    }
  }
}

/** One of the original's own body fields: required, a string. */
function field(body: unknown, name: string): string {
  const object = bodyObject(body);
  const value = object[name];
  if (value === undefined) throw new BadRequestError(`Missing required field '${name}' in the request body`);
  if (typeof value !== 'string') throw new BadRequestError(`'${name}' must be a string`);
  return value;
}

type ParameterType = 'string' | 'object' | 'array';

/**
 * A body the original passes to boto3 as the request (`client.call(**body)`), checked as boto3 checks it before
 * sending: known parameters only, the required ones present, each of its type. The service checks the values.
 */
function requestParameters(
  body: unknown,
  types: Readonly<Record<string, ParameterType>>,
  required: readonly string[],
): Body {
  const object = bodyObject(body);
  const problems: string[] = [];
  for (const name of required) {
    if (object[name] === undefined) problems.push(`Missing required parameter in input: "${name}"`);
  }
  for (const [name, value] of Object.entries(object)) {
    const type = types[name];
    if (type === undefined) {
      problems.push(`Unknown parameter in input: "${name}", must be one of: ${Object.keys(types).join(', ')}`);
    } else if (!hasType(value, type)) {
      problems.push(`Invalid type for parameter ${name}, value: ${JSON.stringify(value)}, valid types: ${type}`);
    }
  }
  if (problems.length > 0) throw new BadRequestError(`Parameter validation failed:\n${problems.join('\n')}`);
  return object;
}

function hasType(value: unknown, type: ParameterType): boolean {
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isPlainObject(value);
  return typeof value === 'string';
}

function bodyObject(body: unknown): Body {
  if (!isPlainObject(body)) throw new BadRequestError('The request body must be a JSON object');
  return body;
}

/** The service's output with boto3's `ResponseMetadata` last, as the original returns most answers. */
function withMetadata(answer: ServiceAnswer<object>): Body {
  return {
    ...(pythonTimes(answer.output) as Body),
    ResponseMetadata: {
      ...(answer.requestId !== undefined ? { RequestId: answer.requestId } : {}),
      HTTPStatusCode: answer.httpStatusCode,
      HTTPHeaders: answer.requestId !== undefined ? { 'x-amzn-requestid': answer.requestId } : {},
      RetryAttempts: answer.attempts - 1,
    },
  };
}

/**
 * Every time in the answer as the original writes it: Python's `datetime.isoformat()` of boto3's UTC time
 * (`2024-05-01T10:20:30.123000+00:00`, without the fraction when it is zero).
 */
export function pythonTimes(value: unknown): unknown {
  if (value instanceof Date) {
    const iso = value.toISOString();
    const millis = value.getUTCMilliseconds();
    return `${iso.slice(0, 19)}${millis === 0 ? '' : `.${String(millis).padStart(3, '0')}000`}+00:00`;
  }
  if (Array.isArray(value)) return value.map(pythonTimes);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, pythonTimes(item)]));
  }
  return value;
}
