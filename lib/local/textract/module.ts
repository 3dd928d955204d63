import { S3Client } from '@aws-sdk/client-s3';
import { startAwsEndpoint } from '../protocol/endpoint';
import { jsonRpc } from '../protocol/json-rpc';
import type { LocalService, LocalServiceModule } from '../service-module';
import { TextDetectionJobs } from './jobs';
import { textractOperations } from './operations';
import { DocumentReader } from './reader';
import { S3Documents } from './s3-documents';

/** The running Textract module. */
export interface TextractService extends LocalService {
  readonly endpoint: string;
  /** The OCR engine that reads documents: `tesseract-cli` or `tesseract.js`. */
  ocrEngine(): Promise<string>;
  /** Resolves when no text detection job is running (tests, benchmarks). */
  idle(): Promise<void>;
}

/**
 * Textract's text detection: documents (PNG, JPEG, TIFF, PDF) are read by Tesseract — Debian's CLI where installed,
 * tesseract.js with the English model from npm otherwise — in a thread of their own, PDF pages rendered by pdf.js.
 * Jobs and their results live under the module's directory and survive restarts.
 */
export const textractModule: LocalServiceModule = {
  name: 'textract',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_TEXTRACT',
  outputKey: 'TextractEndpoint',
  resourceTypes: {},
  async start({ cloud, directory, port }): Promise<TextractService> {
    const reader = new DocumentReader({ ocr: process.env.MEDIAPLANE_OCR });
    let s3: S3Client | undefined;
    // Textract reads and writes S3 through its API, as the service does; the endpoint is looked up on first use.
    const documents = new S3Documents(
      () =>
        (s3 ??= new S3Client({
          region: cloud.region,
          credentials: cloud.credentials,
          endpoint: cloud.endpoint('s3'),
          forcePathStyle: true,
        })),
    );
    const jobs = new TextDetectionJobs(directory, reader, documents, cloud.log);
    const running = await startAwsEndpoint(
      {
        protocol: 'json',
        jsonContentType: 'application/x-amz-json-1.1',
        signingName: 'textract',
        region: cloud.region,
        principals: cloud.principals,
        // A 10 MB document travels base64-encoded in the JSON body.
        maxBodyBytes: 15 * 1024 * 1024,
        handle: jsonRpc({
          targetPrefix: 'Textract',
          contentType: 'application/x-amz-json-1.1',
          operations: textractOperations({ reader, s3: documents, jobs }),
        }),
      },
      port,
    );
    jobs.resume();
    return {
      endpoint: running.endpoint,
      ocrEngine: () => reader.engine(),
      idle: () => jobs.idle(),
      quiesce: () => jobs.stop(),
      async close() {
        jobs.stop();
        await running.close();
        await reader.close();
        s3?.destroy();
      },
    };
  },
};
