import { textractBlocks } from '../../../lib/local/textract/blocks';
import { chooseOcrEngine, parseTesseractTsv, type OcrPage } from '../../../lib/local/textract/ocr';
import { textImage } from './support';

const TSV_HEADER = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';

describe('Tesseract TSV', () => {
  it('keeps the words with their boxes and lines, and drops empty guesses and rows above word level', () => {
    // Prepare
    const tsv = [
      TSV_HEADER,
      '1\t1\t0\t0\t0\t0\t0\t0\t200\t100\t-1\t',
      '4\t1\t1\t1\t1\t0\t10\t10\t120\t20\t-1\t',
      '5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t96.5\tHello',
      '5\t1\t1\t1\t1\t2\t70\t10\t60\t20\t91\tworld',
      '5\t1\t1\t1\t2\t1\t10\t40\t30\t20\t95\t ',
      '5\t1\t2\t1\t1\t1\t10\t70\t40\t20\t88\tagain',
    ].join('\n');

    // Act
    const page = parseTesseractTsv(tsv, 200, 100);

    // Assess
    expect(page.words.map((word) => [word.text, word.lineKey])).toEqual([
      ['Hello', '1.1.1'],
      ['world', '1.1.1'],
      ['again', '2.1.1'],
    ]);
    expect(page.words[0]).toMatchObject({ left: 10, top: 10, width: 50, height: 20, confidence: 96.5 });
  });
});

describe('Textract blocks from OCR', () => {
  const page: OcrPage = {
    width: 200,
    height: 100,
    words: [
      { text: 'Hello', confidence: 90, left: 10, top: 10, width: 50, height: 20, lineKey: '1.1.1' },
      { text: 'world', confidence: 80, left: 70, top: 12, width: 60, height: 20, lineKey: '1.1.1' },
      { text: 'again', confidence: 70, left: 10, top: 70, width: 40, height: 20, lineKey: '2.1.1' },
    ],
  };

  it('lists each page, then each line followed by its words, linked by CHILD relationships', () => {
    // Prepare
    let next = 0;

    // Act
    const blocks = textractBlocks([page, { width: 10, height: 10, words: [] }], () => `id-${next++}`);

    // Assess
    expect(blocks.map((block) => `${block.Page}:${block.BlockType}:${block.Text ?? ''}`)).toEqual([
      '1:PAGE:',
      '1:LINE:Hello world',
      '1:WORD:Hello',
      '1:WORD:world',
      '1:LINE:again',
      '1:WORD:again',
      '2:PAGE:',
    ]);
    const byText = new Map(blocks.map((block) => [`${block.BlockType}:${block.Text ?? ''}`, block]));
    expect(blocks[0]!.Relationships).toEqual([
      { Type: 'CHILD', Ids: [byText.get('LINE:Hello world')!.Id, byText.get('LINE:again')!.Id] },
    ]);
    expect(byText.get('LINE:Hello world')!.Relationships).toEqual([
      { Type: 'CHILD', Ids: [byText.get('WORD:Hello')!.Id, byText.get('WORD:world')!.Id] },
    ]);
    expect(blocks[6]!.Relationships).toBeUndefined();
  });

  it('normalizes geometry to the page and gives a line the mean confidence and the union box of its words', () => {
    // Act
    const line = textractBlocks([page]).find((block) => block.Text === 'Hello world')!;

    // Assess
    expect(line.Confidence).toBe(85);
    expect(line.Geometry.BoundingBox).toEqual({ Left: 0.05, Top: 0.1, Width: 0.6, Height: 0.22 });
    expect(line.Geometry.Polygon).toEqual([
      { X: 0.05, Y: 0.1 },
      { X: 0.65, Y: 0.1 },
      { X: 0.65, Y: 0.32 },
      { X: 0.05, Y: 0.32 },
    ]);
  });
});

describe('choosing the OCR engine', () => {
  it('falls back to tesseract.js, which reads offline from the npm-shipped English model', async () => {
    // Prepare
    const engine = await chooseOcrEngine(undefined, 'no-such-tesseract-binary');

    try {
      // Act
      const page = await engine.recognize(textImage(['Harbour cranes unload containers']), 1275, 400);

      // Assess
      expect(engine.name).toBe('tesseract.js');
      expect(page.words.map((word) => word.text)).toEqual(['Harbour', 'cranes', 'unload', 'containers']);
    } finally {
      await engine.close();
    }
  });

  it('refuses MEDIAPLANE_OCR=tesseract-cli where no tesseract is installed, naming the package', async () => {
    await expect(chooseOcrEngine('tesseract-cli', 'no-such-tesseract-binary')).rejects.toThrow(/tesseract-ocr/);
  });
});
