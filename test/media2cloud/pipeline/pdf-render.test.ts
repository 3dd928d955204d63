import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTool, mediaTools } from '../../../lambdas/shared/media/tools';
import { pdfPageRenderer } from '../../../lambdas/media2cloud/pipeline/media/pdf/render';
import { makePdf } from './fixtures';

/** Width, height and the share of dark pixels of a PNG, read back with ffmpeg (gray, 1 byte per pixel). */
async function inspect(png: string): Promise<{ width: number; height: number; dark: number }> {
  const probe = JSON.parse(
    await runTool(mediaTools().ffprobe, ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'json', png]),
  ) as { streams: Array<{ width: number; height: number }> };
  const raw = path.join(path.dirname(png), `${path.basename(png)}.gray`);
  await runTool(mediaTools().ffmpeg, ['-v', 'error', '-y', '-i', png, '-f', 'rawvideo', '-pix_fmt', 'gray', raw]);
  const pixels = readFileSync(raw);
  const dark = pixels.filter((value) => value < 128).length / pixels.length;
  return { ...probe.streams[0]!, dark };
}

describe('PDF page rendering (pdf.js on a Skia canvas)', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'm2c-pdf-render-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('renders every page to <8-digit 0-based page>.png at the page size, text drawn', async () => {
    // Prepare
    const pdf = path.join(directory, 'guide.pdf');
    writeFileSync(pdf, makePdf([['Tide tables for the harbour', 'High water at noon'], ['Fog on the pier']], {}));
    const out = path.join(directory, 'pages');
    mkdirSync(out);

    // Act
    const pages = await pdfPageRenderer().render(pdf, out);

    // Assess
    expect(pages.map((page) => path.basename(page))).toEqual(['00000000.png', '00000001.png']);
    const [first, second] = await Promise.all(pages.map(inspect));
    expect(first).toMatchObject({ width: 612, height: 792 });
    // Black Helvetica text on white: some dark pixels, the first page (two lines) more than the second (one).
    expect(first!.dark).toBeGreaterThan(0.001);
    expect(first!.dark).toBeLessThan(0.1);
    expect(first!.dark).toBeGreaterThan(second!.dark);
  });

  it('rejects a file that is no PDF', async () => {
    // Prepare
    const bogus = path.join(directory, 'bogus.pdf');
    writeFileSync(bogus, 'this is not a PDF at all');

    // Act
    const render = pdfPageRenderer().render(bogus, directory);

    // Assess
    await expect(render).rejects.toThrow();
  });
});
