import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  DetectDocumentTextCommand,
  GetDocumentTextDetectionCommand,
  StartDocumentTextDetectionCommand,
  TextractClient,
  type Block,
  type GetDocumentTextDetectionCommandOutput,
} from '@aws-sdk/client-textract';
import { TEST_CREDENTIALS } from '../../support/modules';
import { startTextract, textImage, textPdf, textTiff, wordRecall, type TextractHarness } from './support';

const INVOICE = [
  'Invoice number 4711 dated March 3, 2024',
  'Deliver to Maple Street 12, Springfield',
  'Total amount due: 1,234.56 EUR',
  'Please pay within thirty days of receipt.',
];
const REPORT = [
  ['Annual report of the harbour authority', 'Cargo volumes rose by nine percent'],
  ['Chapter two: the northern quay', 'Cranes were replaced in October'],
  ['Chapter three: outlook', 'New berths open next spring'],
];

let textract: TextractHarness;

beforeAll(async () => {
  textract = await startTextract();
});

afterAll(async () => {
  await textract.stop();
});

/** Every LINE's words and every PAGE's lines exist, each block once; geometry lies on the page. */
function expectWellFormed(blocks: readonly Block[]): void {
  const byId = new Map(blocks.map((block) => [block.Id!, block]));
  expect(byId.size).toBe(blocks.length);
  for (const block of blocks) {
    const box = block.Geometry!.BoundingBox!;
    for (const value of [box.Left!, box.Top!, box.Width!, box.Height!]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    expect(block.Geometry!.Polygon).toHaveLength(4);
    expect(block.Page).toBeGreaterThanOrEqual(1);
    const children = block.Relationships?.flatMap((relation) => relation.Ids ?? []) ?? [];
    const childType = { PAGE: 'LINE', LINE: 'WORD', WORD: undefined }[block.BlockType as 'PAGE' | 'LINE' | 'WORD'];
    for (const id of children) {
      expect(byId.get(id)?.BlockType).toBe(childType);
      expect(byId.get(id)?.Page).toBe(block.Page);
    }
    if (block.BlockType === 'LINE') {
      expect(block.Confidence).toBeGreaterThan(0);
      expect(block.Text).toBe(children.map((id) => byId.get(id)!.Text).join(' '));
    }
    if (block.BlockType === 'WORD') expect(block.TextType).toBe('PRINTED');
  }
}

const base64 = (bytes: Buffer) => new Uint8Array(bytes);

describe('DetectDocumentText', () => {
  it('reads a PNG sent as bytes into PAGE, LINE and WORD blocks in reading order', async () => {
    const result = await textract.client.send(
      new DetectDocumentTextCommand({ Document: { Bytes: base64(textImage(INVOICE)) } }),
    );

    expect(result.DocumentMetadata?.Pages).toBe(1);
    expect(result.DetectDocumentTextModelVersion).toBe('1.0');
    const blocks = result.Blocks ?? [];
    expectWellFormed(blocks);
    expect(blocks[0]?.BlockType).toBe('PAGE');
    expect(blocks[0]?.Geometry?.BoundingBox).toEqual({ Left: 0, Top: 0, Width: 1, Height: 1 });
    const lines = blocks.filter((block) => block.BlockType === 'LINE');
    expect(lines).toHaveLength(INVOICE.length);
    expect(wordRecall(INVOICE, blocks)).toBeGreaterThanOrEqual(0.9);
    expect(lines[0]?.Text).toContain('Invoice');
    expect(lines[3]?.Text).toContain('receipt');
    // The first line is above the last, and lines start at the left margin drawn (90 of 1275 pixels).
    expect(lines[0]!.Geometry!.BoundingBox!.Top!).toBeLessThan(lines[3]!.Geometry!.BoundingBox!.Top!);
    expect(lines[0]!.Geometry!.BoundingBox!.Left!).toBeCloseTo(90 / 1275, 1);
  });

  it('reads a JPEG and a one-page PDF from S3', async () => {
    await textract.put('scans/invoice.jpg', textImage(INVOICE, 'jpeg'));
    await textract.put('scans/report-page.pdf', textPdf([REPORT[0]!]));

    const jpeg = await textract.client.send(
      new DetectDocumentTextCommand({ Document: { S3Object: { Bucket: textract.bucket, Name: 'scans/invoice.jpg' } } }),
    );
    const pdf = await textract.client.send(
      new DetectDocumentTextCommand({
        Document: { S3Object: { Bucket: textract.bucket, Name: 'scans/report-page.pdf' } },
      }),
    );

    expect(wordRecall(INVOICE, jpeg.Blocks ?? [])).toBeGreaterThanOrEqual(0.9);
    expectWellFormed(pdf.Blocks ?? []);
    expect(pdf.DocumentMetadata?.Pages).toBe(1);
    expect(wordRecall(REPORT[0]!, pdf.Blocks ?? [])).toBeGreaterThanOrEqual(0.9);
  });

  it('answers a blank page with a PAGE block and nothing else', async () => {
    const result = await textract.client.send(
      new DetectDocumentTextCommand({ Document: { Bytes: base64(textImage([])) } }),
    );

    expect(result.Blocks?.map((block) => block.BlockType)).toEqual(['PAGE']);
  });

  it.each([
    ['neither bytes nor an S3 object', {}, 'InvalidParameterException'],
    [
      'both bytes and an S3 object',
      { Bytes: new Uint8Array([1, 2, 3]), S3Object: { Bucket: 'documents', Name: 'x.png' } },
      'InvalidParameterException',
    ],
    [
      'bytes that are no document',
      { Bytes: new TextEncoder().encode('just some text') },
      'UnsupportedDocumentException',
    ],
    [
      'a PNG signature before garbage',
      { Bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(64).fill(7)]) },
      'UnsupportedDocumentException',
    ],
    [
      'an object that does not exist',
      { S3Object: { Bucket: 'documents', Name: 'missing.png' } },
      'InvalidS3ObjectException',
    ],
    ['a bucket that does not exist', { S3Object: { Bucket: 'nobucket', Name: 'x.png' } }, 'InvalidS3ObjectException'],
  ])('refuses %s with %s', async (_name, document, code) => {
    await expect(textract.client.send(new DetectDocumentTextCommand({ Document: document }))).rejects.toMatchObject({
      name: code,
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('reads what is left of a PNG cut short, as a damaged scan is read, without failing', async () => {
    const result = await textract.client.send(
      new DetectDocumentTextCommand({ Document: { Bytes: new Uint8Array(textImage(INVOICE).subarray(0, 4000)) } }),
    );

    expect(result.Blocks?.[0]?.BlockType).toBe('PAGE');
  });

  it('refuses a PDF of more than one page, as synchronous operations read one page', async () => {
    await textract.put('scans/report.pdf', textPdf(REPORT));

    await expect(
      textract.client.send(
        new DetectDocumentTextCommand({
          Document: { S3Object: { Bucket: textract.bucket, Name: 'scans/report.pdf' } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnsupportedDocumentException' });
  });

  it.each([
    ['an unknown key', 'UnrecognizedClientException', { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }],
    ['a wrong secret', 'InvalidSignatureException', { ...TEST_CREDENTIALS, secretAccessKey: 'wrong' }],
  ])('refuses a request signed with %s, as a JSON service does: 400 %s', async (_case, name, credentials) => {
    const stranger = new TextractClient({ endpoint: textract.service.endpoint, region: 'us-east-1', credentials });

    await expect(
      stranger.send(new DetectDocumentTextCommand({ Document: { Bytes: base64(textImage(['x'])) } })),
    ).rejects.toMatchObject({ name, $metadata: { httpStatusCode: 400 } });
    stranger.destroy();
  });
});

async function waitForJob(client: TextractClient, jobId: string): Promise<GetDocumentTextDetectionCommandOutput> {
  for (;;) {
    const result = await client.send(new GetDocumentTextDetectionCommand({ JobId: jobId }));
    if (result.JobStatus !== 'IN_PROGRESS') return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function allBlocks(client: TextractClient, jobId: string, pageSize: number): Promise<Block[][]> {
  const pages: Block[][] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetDocumentTextDetectionCommand({ JobId: jobId, MaxResults: pageSize, NextToken: token }),
    );
    pages.push(page.Blocks ?? []);
    token = page.NextToken;
  } while (token);
  return pages;
}

describe('text detection jobs', () => {
  beforeAll(async () => {
    await textract.put('reports/harbour.pdf', textPdf(REPORT));
  });

  it('reads a multi-page PDF: IN_PROGRESS, then SUCCEEDED with every page, paged by NextToken', async () => {
    const { JobId } = await textract.client.send(
      new StartDocumentTextDetectionCommand({
        DocumentLocation: { S3Object: { Bucket: textract.bucket, Name: 'reports/harbour.pdf' } },
        JobTag: 'harbour',
        OutputConfig: { S3Bucket: textract.bucket, S3Prefix: 'textract-output' },
      }),
    );
    expect(JobId).toMatch(/^[0-9a-f]{64}$/);
    const early = await textract.client.send(new GetDocumentTextDetectionCommand({ JobId }));
    expect(early.JobStatus).toBe('IN_PROGRESS');
    expect(early.Blocks).toBeUndefined();

    const done = await waitForJob(textract.client, JobId!);
    expect(done.JobStatus).toBe('SUCCEEDED');
    expect(done.DocumentMetadata?.Pages).toBe(3);
    const paged = await allBlocks(textract.client, JobId!, 7);
    const blocks = paged.flat();
    expect(paged.length).toBeGreaterThan(2);
    expect(paged.slice(0, -1).every((page) => page.length === 7)).toBe(true);
    expect(blocks).toEqual(done.Blocks);
    expectWellFormed(blocks);
    expect(blocks.filter((block) => block.BlockType === 'PAGE').map((block) => block.Page)).toEqual([1, 2, 3]);
    REPORT.forEach((lines, index) => {
      const onPage = blocks.filter((block) => block.Page === index + 1);
      expect(wordRecall(lines, onPage)).toBeGreaterThanOrEqual(0.9);
    });

    // The results are also written where OutputConfig asked, as the service names them.
    const listed = await textract.s3.send(
      new ListObjectsV2Command({ Bucket: textract.bucket, Prefix: `textract-output/${JobId}/` }),
    );
    expect(listed.Contents?.map((object) => object.Key)).toEqual([`textract-output/${JobId}/1`]);
    const written = await textract.s3.send(
      new GetObjectCommand({ Bucket: textract.bucket, Key: `textract-output/${JobId}/1` }),
    );
    const output = JSON.parse(await written.Body!.transformToString()) as { Blocks: Block[]; JobStatus: string };
    expect(output.JobStatus).toBe('SUCCEEDED');
    expect(output.Blocks).toEqual(blocks);
  });

  it.each([
    ['a PNG', 'scans/invoice-job.png', () => textImage(INVOICE)],
    ['a TIFF', 'scans/invoice-job.tiff', () => textTiff(INVOICE)],
  ])('reads %s image through a job, as one page', async (_format, key, document) => {
    await textract.put(key, document());

    const { JobId } = await textract.client.send(
      new StartDocumentTextDetectionCommand({
        DocumentLocation: { S3Object: { Bucket: textract.bucket, Name: key } },
      }),
    );
    const done = await waitForJob(textract.client, JobId!);

    expect(done).toMatchObject({ JobStatus: 'SUCCEEDED', DocumentMetadata: { Pages: 1 } });
    expect(done.NextToken).toBeUndefined();
    expectWellFormed(done.Blocks!);
    expect(done.Blocks!.filter((block) => block.BlockType === 'PAGE')).toHaveLength(1);
    expect(wordRecall(INVOICE, done.Blocks!)).toBeGreaterThanOrEqual(0.9);
  });

  it('starts one job for a repeated client request token, and refuses the token with other parameters', async () => {
    const request = {
      DocumentLocation: { S3Object: { Bucket: textract.bucket, Name: 'reports/harbour.pdf' } },
      ClientRequestToken: 'harbour-once',
    };
    const first = await textract.client.send(new StartDocumentTextDetectionCommand(request));
    const second = await textract.client.send(new StartDocumentTextDetectionCommand(request));

    expect(second.JobId).toBe(first.JobId);
    await expect(
      textract.client.send(new StartDocumentTextDetectionCommand({ ...request, JobTag: 'other' })),
    ).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' });
    await textract.service.idle();
  });

  it('fails a job whose document is no document, with the reason', async () => {
    await textract.put('reports/notes.txt', 'plain text, not a scan');
    const { JobId } = await textract.client.send(
      new StartDocumentTextDetectionCommand({
        DocumentLocation: { S3Object: { Bucket: textract.bucket, Name: 'reports/notes.txt' } },
      }),
    );

    const done = await waitForJob(textract.client, JobId!);

    expect(done).toMatchObject({ JobStatus: 'FAILED', StatusMessage: 'Request has unsupported document format' });
    expect(done.Blocks).toBeUndefined();
  });

  it.each([
    [
      'a missing object',
      { DocumentLocation: { S3Object: { Bucket: 'documents', Name: 'nothing.pdf' } } },
      'InvalidS3ObjectException',
    ],
    ['no document location', {}, 'InvalidParameterException'],
    [
      'a malformed client request token',
      {
        DocumentLocation: { S3Object: { Bucket: 'documents', Name: 'reports/harbour.pdf' } },
        ClientRequestToken: 'no spaces',
      },
      'InvalidParameterException',
    ],
    [
      'a notification channel without a role',
      {
        DocumentLocation: { S3Object: { Bucket: 'documents', Name: 'reports/harbour.pdf' } },
        NotificationChannel: { SNSTopicArn: 'arn:aws:sns:us-east-1:000000000000:done' },
      },
      'InvalidParameterException',
    ],
  ])('refuses to start with %s', async (_name, input, code) => {
    await expect(textract.client.send(new StartDocumentTextDetectionCommand(input as never))).rejects.toMatchObject({
      name: code,
    });
  });

  it.each([
    ['an unknown job', { JobId: 'a'.repeat(64) }, 'InvalidJobIdException'],
    ['a malformed job id', { JobId: 'not a job id!' }, 'InvalidParameterException'],
  ])('refuses to get %s', async (_name, input, code) => {
    await expect(textract.client.send(new GetDocumentTextDetectionCommand(input))).rejects.toMatchObject({
      name: code,
    });
  });

  it('refuses a paging token of another job and a MaxResults below one', async () => {
    const { JobId } = await textract.client.send(
      new StartDocumentTextDetectionCommand({
        DocumentLocation: { S3Object: { Bucket: textract.bucket, Name: 'scans/invoice.jpg' } },
      }),
    );
    await waitForJob(textract.client, JobId!);
    const page = await textract.client.send(new GetDocumentTextDetectionCommand({ JobId, MaxResults: 2 }));

    await expect(
      textract.client.send(new GetDocumentTextDetectionCommand({ JobId: 'b'.repeat(64), NextToken: page.NextToken })),
    ).rejects.toMatchObject({ name: 'InvalidJobIdException' });
    await expect(
      textract.client.send(new GetDocumentTextDetectionCommand({ JobId, NextToken: 'garbage' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      textract.client.send(new GetDocumentTextDetectionCommand({ JobId, MaxResults: 0 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('keeps jobs across a restart and runs again the one a restart interrupted', async () => {
    const finished = await textract.client.send(
      new StartDocumentTextDetectionCommand({
        DocumentLocation: { S3Object: { Bucket: textract.bucket, Name: 'scans/invoice.jpg' } },
      }),
    );
    await waitForJob(textract.client, finished.JobId!);
    const interrupted = await textract.client.send(
      new StartDocumentTextDetectionCommand({
        DocumentLocation: { S3Object: { Bucket: textract.bucket, Name: 'reports/harbour.pdf' } },
      }),
    );

    textract = await textract.restart();

    const kept = await textract.client.send(new GetDocumentTextDetectionCommand({ JobId: finished.JobId }));
    expect(kept.JobStatus).toBe('SUCCEEDED');
    expect(wordRecall(INVOICE, kept.Blocks ?? [])).toBeGreaterThanOrEqual(0.9);
    const resumed = await waitForJob(textract.client, interrupted.JobId!);
    expect(resumed.JobStatus).toBe('SUCCEEDED');
    expect(resumed.DocumentMetadata?.Pages).toBe(3);
  });
});
