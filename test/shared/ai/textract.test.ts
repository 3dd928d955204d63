import { TextractDocuments } from '../../../lambdas/shared/ai/textract';
import { RETRYABLE_ERRORS } from '../../../lambdas/shared/ai/jobs';
import { startTextract, textImage, textPdf, type TextractHarness } from '../../local/textract/support';

describe('Textract adapter (through the local stand-in)', () => {
  let textract: TextractHarness;
  let documents: TextractDocuments;

  beforeAll(async () => {
    textract = await startTextract();
    documents = new TextractDocuments(textract.client);
  });

  afterAll(() => textract.stop());

  it('maps a page to PAGE, LINE and WORD blocks with geometry and child ids', async () => {
    // Act
    const text = await documents.detectText({ bytes: textImage(['Quarterly harbour report', 'Cranes and berths']) });

    // Assess
    expect(text.pages).toBe(1);
    const [page, ...rest] = text.blocks;
    expect(page).toMatchObject({
      type: 'PAGE',
      page: 1,
      geometry: { boundingBox: { left: 0, top: 0, width: 1, height: 1 } },
    });
    const lines = rest.filter((block) => block.type === 'LINE');
    expect(lines.map((line) => line.text)).toEqual(['Quarterly harbour report', 'Cranes and berths']);
    expect(page!.childIds).toEqual(lines.map((line) => line.id));
    const words = lines[0]!.childIds.map((id) => text.blocks.find((block) => block.id === id)!);
    expect(words.map((word) => [word.type, word.text, word.textType])).toEqual([
      ['WORD', 'Quarterly', 'PRINTED'],
      ['WORD', 'harbour', 'PRINTED'],
      ['WORD', 'report', 'PRINTED'],
    ]);
    expect(words[0]!.confidence).toBeGreaterThan(50);
    expect(words[0]!.geometry.polygon).toHaveLength(4);
    expect(words[0]!.geometry.boundingBox.left).toBeLessThan(words[1]!.geometry.boundingBox.left);
  });

  it('reads a multi-page PDF in S3 through a job, polled to the end and every page of results followed', async () => {
    // Prepare
    await textract.put('adapter/report.pdf', textPdf([['First page text'], ['Second page text'], ['Third page text']]));

    // Act
    const jobId = await documents.startTextDetection(
      { bucket: textract.bucket, key: 'adapter/report.pdf' },
      { clientRequestToken: 'adapter-report' },
    );
    const done = await documents.waitForTextDetection(jobId, { pollMs: 100, maxPollMs: 500 });

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.text?.pages).toBe(3);
    expect(done.text?.blocks.filter((block) => block.type === 'LINE').map((line) => [line.page, line.text])).toEqual([
      [1, 'First page text'],
      [2, 'Second page text'],
      [3, 'Third page text'],
    ]);
    expect(
      await documents.startTextDetection(
        { bucket: textract.bucket, key: 'adapter/report.pdf' },
        { clientRequestToken: 'adapter-report' },
      ),
    ).toBe(jobId);
  });

  it('reports a failed job with its reason', async () => {
    await textract.put('adapter/notes.txt', 'not a document');

    const jobId = await documents.startTextDetection({ bucket: textract.bucket, key: 'adapter/notes.txt' });
    const done = await documents.waitForTextDetection(jobId, { pollMs: 100 });

    expect(done).toEqual({ jobId, status: 'FAILED', statusMessage: 'Request has unsupported document format' });
  });

  it('retries a throttled call and passes other errors through', async () => {
    // Prepare: a client that is throttled twice, then answers as the stand-in does
    let calls = 0;
    const throttled = {
      send: async (command: object) => {
        calls += 1;
        if (calls <= 2)
          throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
        return textract.client.send(command as never);
      },
    };
    const adapter = new TextractDocuments(throttled as never, { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 });

    // Act
    const text = await adapter.detectText({ bytes: textImage(['Retry me']) });

    // Assess
    expect(RETRYABLE_ERRORS.has('ProvisionedThroughputExceededException')).toBe(true);
    expect(calls).toBe(3);
    expect(text.blocks.some((block) => block.text === 'Retry')).toBe(true);
    await expect(adapter.detectText({ bucket: textract.bucket, key: 'adapter/missing.png' })).rejects.toMatchObject({
      name: 'InvalidS3ObjectException',
    });
  });
});
