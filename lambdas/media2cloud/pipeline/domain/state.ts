import type { AiOptions } from './ai-options';
import { isOptions } from './ai-options';
import { IngestError } from './errors';
import type { DocInfo, Destination, MediaType } from './records';
import type { MediainfoSummary } from '../media/mediainfo';

/** The main state machine's `input` (the original's execution input): POST /assets or the S3 event builds it. */
export interface IngestRequest {
  readonly uuid: string;
  readonly bucket: string;
  readonly key: string;
  readonly destination?: Partial<Destination>;
  readonly group?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly aiOptions?: AiOptions;
  /** The caller's MIME type for the upload; detected from its name and bytes otherwise. */
  readonly mime?: string;
  /** The MD5 the caller expects (POST /assets batch manifests list one); checked by fixity before any other. */
  readonly md5?: string;
}

/** The request once `create-record` resolved it: what every later state reads. */
export interface AssetInput extends IngestRequest {
  readonly type: MediaType;
  readonly mime: string;
  readonly destination: Destination;
  readonly aiOptions: AiOptions;
  /** Milliseconds, once MediaInfo ran. */
  readonly duration?: number;
  readonly framerate?: number;
}

export interface ChecksumResult {
  readonly algorithm: 'md5';
  readonly computed: string;
  readonly expected?: string;
  readonly comparedWith: 'api' | 'object-metadata' | 'object-etag' | 'none';
  readonly comparedResult: 'MATCHED' | 'SKIPPED';
  readonly fileSize: number;
  readonly startTime: number;
  readonly endTime: number;
}

/** What the ingest states pass on to each other (the original's `StateData.data`). */
export interface IngestData {
  readonly checksum?: ChecksumResult;
  readonly mediainfo?: MediainfoSummary & { readonly output: string };
  readonly transcode?: { readonly output: string };
  readonly imageinfo?: { readonly output: string };
  readonly docinfo?: DocInfo;
}

/** The state of the ingest state machine between tasks. */
export interface IngestState {
  readonly uuid: string;
  readonly input: AssetInput;
  readonly data: IngestData;
}

type Json = Readonly<Record<string, unknown>>;

export function asObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IngestError(`${what} must be an object`);
  }
  return value as Json;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The `input` of the main state machine, checked the way the original's `create-record` checks it. */
export function parseIngestRequest(value: unknown): IngestRequest {
  const input = asObject(value ?? {}, 'input');
  const uuid = optionalString(input.uuid);
  const bucket = optionalString(input.bucket);
  const key = optionalString(input.key);
  if (!uuid || !bucket || !key) throw new IngestError('missing uuid, bucket and key');
  const destination = input.destination === undefined ? undefined : asObject(input.destination, 'input.destination');
  const attributes = input.attributes === undefined ? undefined : asObject(input.attributes, 'input.attributes');
  if (input.aiOptions !== undefined && !isOptions(input.aiOptions))
    throw new IngestError('input.aiOptions must be an object');
  return {
    uuid,
    bucket,
    key,
    ...(destination
      ? { destination: { bucket: optionalString(destination.bucket), prefix: optionalString(destination.prefix) } }
      : {}),
    ...(optionalString(input.group) ? { group: input.group as string } : {}),
    ...(attributes
      ? { attributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, String(v)])) }
      : {}),
    ...(input.aiOptions ? { aiOptions: input.aiOptions as AiOptions } : {}),
    ...(optionalString(input.mime) ? { mime: input.mime as string } : {}),
    ...(optionalString(input.md5) ? { md5: input.md5 as string } : {}),
  };
}

/** The state a task receives. Only what every state relies on is checked: the states themselves wrote the rest. */
export function parseIngestState(value: unknown): IngestState {
  const state = asObject(value, 'state');
  const input = asObject(state.input, 'state.input');
  if (!optionalString(state.uuid) || !optionalString(input.key) || !input.destination) {
    throw new IngestError('state is missing uuid, input.key or input.destination');
  }
  return { uuid: state.uuid as string, input: input as unknown as AssetInput, data: (state.data ?? {}) as IngestData };
}
