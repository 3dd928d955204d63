import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TextractClient, type Block } from '@aws-sdk/client-textract';
import { PDFDocument, createCanvas } from '@napi-rs/canvas';
import { s3Module } from '../../../lib/local/s3/module';
import type { LocalService } from '../../../lib/local/service-module';
import { textractModule, type TextractService } from '../../../lib/local/textract';
import { startModule, TEST_CREDENTIALS } from '../../support/modules';

/** Lines of text drawn black on white at `fontPx`, as a PNG or JPEG: what OCR should read back. */
export function textImage(lines: readonly string[], format: 'png' | 'jpeg' = 'png', fontPx = 32): Buffer {
  const width = 1275;
  const height = Math.max(400, 160 + lines.length * fontPx * 2);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#111111';
  context.font = `${fontPx}px sans-serif`;
  lines.forEach((line, i) => context.fillText(line, 90, 120 + i * fontPx * 2));
  return format === 'png' ? canvas.toBuffer('image/png') : canvas.toBuffer('image/jpeg', 92);
}

/** The same page as `textImage`, as a TIFF (ffmpeg writes it; Skia writes no TIFF). */
export function textTiff(lines: readonly string[]): Buffer {
  const ffmpeg = path.join(path.dirname(require.resolve('@ffmpeg-installer/linux-x64/package.json')), 'ffmpeg');
  return execFileSync(
    ffmpeg,
    ['-v', 'error', '-f', 'png_pipe', '-i', 'pipe:0', '-c:v', 'tiff', '-f', 'image2pipe', 'pipe:1'],
    { input: textImage(lines), maxBuffer: 64 * 1024 * 1024 },
  );
}

/** A US Letter PDF drawn by Skia with real text, one page per list of lines. */
export function textPdf(pages: readonly (readonly string[])[]): Buffer {
  const document = new PDFDocument({ title: 'mediaplane textract fixture' });
  for (const lines of pages) {
    const context = document.beginPage(612, 792);
    context.fillStyle = '#000000';
    context.font = '14px sans-serif';
    lines.forEach((line, i) => context.fillText(line, 72, 96 + i * 28));
    document.endPage();
  }
  return document.close();
}

/** The share of `expected` words found among the WORD blocks (case and punctuation aside), as OCR recall. */
export function wordRecall(expected: readonly string[], blocks: readonly Block[]): number {
  const normalize = (word: string) => word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const found = new Map<string, number>();
  for (const block of blocks) {
    if (block.BlockType !== 'WORD' || !block.Text) continue;
    const word = normalize(block.Text);
    found.set(word, (found.get(word) ?? 0) + 1);
  }
  const words = expected
    .flatMap((line) => line.split(/\s+/))
    .map(normalize)
    .filter((word) => word !== '');
  let hits = 0;
  for (const word of words) {
    const left = found.get(word) ?? 0;
    if (left > 0) {
      hits += 1;
      found.set(word, left - 1);
    }
  }
  return words.length === 0 ? 1 : hits / words.length;
}

export interface TextractHarness {
  readonly client: TextractClient;
  readonly s3: S3Client;
  readonly service: TextractService;
  readonly bucket: string;
  put(key: string, body: Buffer | string): Promise<void>;
  /** Stops Textract and starts it again on the same directory, as a restart of local mode does. */
  restart(): Promise<TextractHarness>;
  stop(): Promise<void>;
}

/** S3 and Textract started on their own, as local mode starts them, with a bucket for documents. */
export async function startTextract(): Promise<TextractHarness> {
  const s3Started = await startModule<LocalService>(s3Module);
  const started = await startModule<TextractService>(textractModule, { services: { s3: s3Started.service } });
  const s3 = new S3Client({
    endpoint: s3Started.service.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    forcePathStyle: true,
  });
  const bucket = 'documents';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const extra: { client: TextractClient; service: TextractService }[] = [];
  const harness = (service: TextractService, client: TextractClient): TextractHarness => ({
    client,
    s3,
    service,
    bucket,
    put: async (key, body) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    restart: async () => {
      await service.quiesce?.();
      await service.close();
      const again = (await textractModule.start!({
        cloud: started.cloud,
        directory: started.directory,
        port: 0,
      })) as TextractService;
      const againClient = textractClient(again.endpoint);
      extra.push({ client: againClient, service: again });
      return harness(again, againClient);
    },
    stop: async () => {
      for (const { client: c, service: s } of extra) {
        c.destroy();
        await s.close();
      }
      client.destroy();
      s3.destroy();
      await started.stop().catch(() => undefined);
      await s3Started.stop();
    },
  });
  return harness(started.service, textractClient(started.service.endpoint));
}

/** Default configuration apart from the endpoint: what a function gets from AWS_ENDPOINT_URL_TEXTRACT. */
export function textractClient(endpoint: string): TextractClient {
  return new TextractClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
}
