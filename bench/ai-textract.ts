import { performance } from 'node:perf_hooks';
import {
  DetectDocumentTextCommand,
  GetDocumentTextDetectionCommand,
  StartDocumentTextDetectionCommand,
  type Block,
} from '@aws-sdk/client-textract';
import { startTextract, textImage, textPdf, wordRecall, type TextractHarness } from '../test/local/textract/support';
import type { BenchRow } from './table';

/** Pages of a plain business document: what Textract's text detection is mostly asked to read. */
const PAGES: readonly (readonly string[])[] = [
  [
    'Invoice number 4711 dated March 3, 2024',
    'Deliver to Maple Street 12, Springfield',
    'Total amount due: 1,234.56 EUR',
  ],
  ['Minutes of the board meeting', 'Present: the chair, the treasurer and four members', 'The budget was approved'],
  ['Annual report of the harbour authority', 'Cargo volumes rose by nine percent', 'Cranes were replaced in October'],
  ['Terms and conditions of sale', 'Goods remain our property until paid in full', 'Claims within fourteen days'],
  ['Project schedule for the new library', 'Foundations complete by the end of May', 'Opening planned for spring'],
];

const row = (kase: string, metric: string, value: string, reference?: string): BenchRow => ({
  benchmark: 'ai textract',
  case: kase,
  metric,
  value,
  ...(reference ? { reference } : {}),
});

async function detectPages(textract: TextractHarness, engine: string, pages: number): Promise<BenchRow[]> {
  // The first page starts the OCR engine; it is read once before timing.
  await textract.client.send(new DetectDocumentTextCommand({ Document: { Bytes: textImage(PAGES[0]!) } }));
  const recalls: number[] = [];
  const started = performance.now();
  for (const lines of PAGES.slice(0, pages)) {
    const result = await textract.client.send(new DetectDocumentTextCommand({ Document: { Bytes: textImage(lines) } }));
    recalls.push(wordRecall(lines, result.Blocks ?? []));
  }
  const seconds = (performance.now() - started) / 1000;
  const recall = recalls.reduce((sum, value) => sum + value, 0) / recalls.length;
  return [
    row(`DetectDocumentText, PNG 1275 px wide (${engine})`, 'word recall', recall.toFixed(3), '≥ 0.9 expected'),
    row(`DetectDocumentText, PNG 1275 px wide (${engine})`, 'pages/s', (pages / seconds).toFixed(2)),
  ];
}

async function pdfJob(textract: TextractHarness, engine: string): Promise<BenchRow[]> {
  await textract.put('bench/document.pdf', textPdf(PAGES));
  const started = performance.now();
  const { JobId } = await textract.client.send(
    new StartDocumentTextDetectionCommand({
      DocumentLocation: { S3Object: { Bucket: textract.bucket, Name: 'bench/document.pdf' } },
    }),
  );
  await textract.service.idle();
  const seconds = (performance.now() - started) / 1000;
  const blocks: Block[] = [];
  let token: string | undefined;
  do {
    const page = await textract.client.send(new GetDocumentTextDetectionCommand({ JobId, NextToken: token }));
    blocks.push(...(page.Blocks ?? []));
    token = page.NextToken;
  } while (token);
  const recall = PAGES.reduce(
    (sum, lines, index) =>
      sum +
      wordRecall(
        lines,
        blocks.filter((block) => block.Page === index + 1),
      ),
    0,
  );
  return [
    row(
      `text detection job, ${PAGES.length}-page PDF at 200 dpi (${engine})`,
      'word recall',
      (recall / PAGES.length).toFixed(3),
    ),
    row(
      `text detection job, ${PAGES.length}-page PDF at 200 dpi (${engine})`,
      'pages/s',
      (PAGES.length / seconds).toFixed(2),
    ),
  ];
}

/**
 * Textract's local stand-in: OCR word recall on rendered pages (text drawn by Skia, so the answer is known) and
 * pages per second, with the engine local mode picks (Debian's tesseract where installed) and with tesseract.js.
 */
export async function textractBenchmark(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const textract = await startTextract();
  let engine: string;
  try {
    engine = await textract.service.ocrEngine();
    rows.push(...(await detectPages(textract, engine, PAGES.length)), ...(await pdfJob(textract, engine)));
  } finally {
    await textract.stop();
  }
  // Where local mode picked the Debian CLI, tesseract.js (what a machine without it gets) is measured beside it.
  if (engine !== 'tesseract.js') {
    const chosen = process.env.MEDIAPLANE_OCR;
    process.env.MEDIAPLANE_OCR = 'tesseract.js';
    const wasm = await startTextract();
    try {
      rows.push(...(await detectPages(wasm, 'tesseract.js', 3)));
    } finally {
      if (chosen === undefined) delete process.env.MEDIAPLANE_OCR;
      else process.env.MEDIAPLANE_OCR = chosen;
      await wasm.stop();
    }
  }
  return rows;
}
