/**
 * Textract's text detection behind the neutral `DocumentBlock` type: what backends call to read the text of a
 * scan, a photo of a page or a PDF. Paging, throttling retries and job polling live here (and in `jobs.ts`); no
 * backend touches the SDK for Textract. In local mode the same calls reach the local stand-in through
 * `AWS_ENDPOINT_URL_TEXTRACT`.
 */
import {
  DetectDocumentTextCommand,
  GetDocumentTextDetectionCommand,
  StartDocumentTextDetectionCommand,
  TextractClient,
  type Block,
  type DetectDocumentTextCommandOutput,
  type GetDocumentTextDetectionCommandOutput,
  type StartDocumentTextDetectionCommandOutput,
} from '@aws-sdk/client-textract';
import type { ObjectLocation } from '../media/s3-objects';
import type { DocumentBlock } from './documents';
import { DEFAULT_RETRY, pollUntilFinished, type PollOptions, type RetryPolicy, sendWithRetries } from './jobs';

/**
 * A document for synchronous reading: its bytes (PNG, JPEG, TIFF or a one-page PDF, up to 10 MB) or an S3 object
 * that Textract reads itself.
 */
export type DocumentInput = { readonly bytes: Uint8Array } | (ObjectLocation & { readonly version?: string });

/** The text of a document: how many pages it has and its blocks, page by page. */
export interface DocumentText {
  readonly pages: number;
  readonly blocks: readonly DocumentBlock[];
}

export type TextDetectionStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'PARTIAL_SUCCESS';

/** A text detection job: its state and, once it has succeeded, the document's text. */
export interface TextDetection {
  readonly jobId: string;
  readonly status: TextDetectionStatus;
  /** Why the job failed. @default - none */
  readonly statusMessage?: string;
  /** Complete (every page of results read) once `status` is `SUCCEEDED`. */
  readonly text?: DocumentText;
}

export interface StartTextDetectionOptions {
  /** Makes a repeated start (a retried Lambda) return the first job. @default none */
  readonly clientRequestToken?: string;
  readonly jobTag?: string;
  /** Where Textract also writes the results. @default - not written */
  readonly output?: { readonly bucket: string; readonly prefix?: string };
}

/** Blocks per GetDocumentTextDetection call: the service's maximum, so a document takes the fewest calls. */
const PAGE_SIZE = 1000;

/** A client for the module's lifetime; its endpoint comes from the environment, as for every SDK client. */
let sharedClient: TextractClient | undefined;
function defaultClient(): TextractClient {
  sharedClient ??= new TextractClient({});
  return sharedClient;
}

type Sender = Pick<TextractClient, 'send'>;

export class TextractDocuments {
  constructor(
    private readonly client: Sender = defaultClient(),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** Reads a one-page document at once (DetectDocumentText). */
  async detectText(document: DocumentInput): Promise<DocumentText> {
    const result = await this.send<DetectDocumentTextCommandOutput>(
      new DetectDocumentTextCommand({
        Document:
          'bytes' in document
            ? { Bytes: document.bytes }
            : {
                S3Object: {
                  Bucket: document.bucket,
                  Name: document.key,
                  ...(document.version ? { Version: document.version } : {}),
                },
              },
      }),
    );
    return { pages: result.DocumentMetadata?.Pages ?? 0, blocks: (result.Blocks ?? []).map(documentBlock) };
  }

  /** Starts reading a document of any number of pages (a PDF or TIFF in S3); answers the job id. */
  async startTextDetection(
    document: ObjectLocation & { readonly version?: string },
    options: StartTextDetectionOptions = {},
  ): Promise<string> {
    const result = await this.send<StartDocumentTextDetectionCommandOutput>(
      new StartDocumentTextDetectionCommand({
        DocumentLocation: {
          S3Object: {
            Bucket: document.bucket,
            Name: document.key,
            ...(document.version ? { Version: document.version } : {}),
          },
        },
        ...(options.clientRequestToken ? { ClientRequestToken: options.clientRequestToken } : {}),
        ...(options.jobTag ? { JobTag: options.jobTag } : {}),
        ...(options.output
          ? {
              OutputConfig: {
                S3Bucket: options.output.bucket,
                ...(options.output.prefix ? { S3Prefix: options.output.prefix } : {}),
              },
            }
          : {}),
      }),
    );
    if (!result.JobId) throw new Error('Textract started no job');
    return result.JobId;
  }

  /** A job's state and, once it has succeeded, every block of the document (all pages of results). */
  async getTextDetection(jobId: string): Promise<TextDetection> {
    const blocks: DocumentBlock[] = [];
    let token: string | undefined;
    let first: GetDocumentTextDetectionCommandOutput | undefined;
    do {
      const page: GetDocumentTextDetectionCommandOutput = await this.send(
        new GetDocumentTextDetectionCommand({ JobId: jobId, MaxResults: PAGE_SIZE, NextToken: token }),
      );
      first ??= page;
      if (page.JobStatus !== 'SUCCEEDED' && page.JobStatus !== 'PARTIAL_SUCCESS') break;
      blocks.push(...(page.Blocks ?? []).map(documentBlock));
      token = page.NextToken;
    } while (token);
    const status = (first.JobStatus ?? 'IN_PROGRESS') as TextDetectionStatus;
    return {
      jobId,
      status,
      ...(first.StatusMessage ? { statusMessage: first.StatusMessage } : {}),
      ...(status === 'SUCCEEDED' || status === 'PARTIAL_SUCCESS'
        ? { text: { pages: first.DocumentMetadata?.Pages ?? 0, blocks } }
        : {}),
    };
  }

  /** Polls a job until it has finished (throws `JobTimeout` after `timeoutMs`). */
  waitForTextDetection(jobId: string, options: PollOptions = {}): Promise<TextDetection> {
    return pollUntilFinished(
      jobId,
      () => this.getTextDetection(jobId),
      (detection) => detection.status !== 'IN_PROGRESS',
      options,
    );
  }

  /** One call, retried when throttled; `T` is the command's output shape. */
  private send<T>(command: object): Promise<T> {
    return sendWithRetries<T>(this.client, command, this.retry);
  }
}

function documentBlock(block: Block): DocumentBlock {
  const box = block.Geometry?.BoundingBox;
  return {
    id: block.Id ?? '',
    type: block.BlockType as DocumentBlock['type'],
    page: block.Page ?? 1,
    ...(block.Text !== undefined ? { text: block.Text } : {}),
    ...(block.Confidence !== undefined ? { confidence: block.Confidence } : {}),
    geometry: {
      boundingBox: { left: box?.Left ?? 0, top: box?.Top ?? 0, width: box?.Width ?? 0, height: box?.Height ?? 0 },
      ...(block.Geometry?.Polygon
        ? { polygon: block.Geometry.Polygon.map((point) => ({ x: point.X ?? 0, y: point.Y ?? 0 })) }
        : {}),
    },
    childIds: (block.Relationships ?? [])
      .filter((relationship) => relationship.Type === 'CHILD')
      .flatMap((relationship) => relationship.Ids ?? []),
    ...(block.TextType ? { textType: block.TextType } : {}),
  };
}
