import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { PROJECT_ROOT } from '../../../lib/project-root';
import { PIPELINE_FUNCTIONS } from '../../../lambdas/media2cloud/pipeline/catalog';
import { layeredTools, layerModules, MEDIA_TOOL_FILES } from '../../../lambdas/shared/media/function-spec';
import { pdfReader } from '../../../lambdas/media2cloud/pipeline/media/pdf/reader';
import { makePdf, PDF_ID } from './fixtures';

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'm2c-pdf-reader-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Writes the bytes to a file of their own and returns its path. */
function file(name: string, bytes: Buffer): string {
  const written = path.join(directory, name);
  writeFileSync(written, bytes);
  return written;
}

const reader = pdfReader();

/** Assembles a PDF from numbered objects (bodies as latin1 or bytes), with a classic cross-reference table. */
function assemblePdf(version: string, objects: ReadonlyArray<string | Buffer>, trailer: string): Buffer {
  const parts: Buffer[] = [Buffer.from(`%PDF-${version}\n`, 'latin1')];
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.concat(parts).length);
    parts.push(
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      Buffer.from(body as string, 'latin1'),
      Buffer.from('\nendobj\n'),
    );
  });
  const xref = Buffer.concat(parts).length;
  let tail = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) tail += `${String(offset).padStart(10, '0')} 00000 n \n`;
  tail += `trailer\n<< /Size ${objects.length + 1} ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.concat([...parts, Buffer.from(tail, 'latin1')]);
}

/** A PDF 1.5 whose objects sit in an object stream, found through a cross-reference stream, with a compressed
 *  content stream drawn in a font whose codes only its ToUnicode CMap explains. */
function compressedPdf(): Buffer {
  const cmap = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '1 begincodespacerange <00> <FF> endcodespacerange',
    '2 beginbfchar <01> <0048> <02> <0069> endbfchar',
    '1 beginbfrange <03> <05> <0061> endbfrange',
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const content = deflateSync(Buffer.from('BT /F1 12 Tf 72 700 Td <0102> Tj [(\x03) -300 (\x04\x05)] TJ ET', 'latin1'));
  const toUnicode = deflateSync(Buffer.from(cmap, 'latin1'));
  const inStream = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    // A font outside the standard 14 has widths and a descriptor (ISO 32000-1 §9.6.2.1); its codes mean nothing
    // without the ToUnicode map.
    '<< /Type /Font /Subtype /TrueType /BaseFont /Custom /FirstChar 1 /LastChar 5 /Widths [500 500 500 500 500]' +
      ' /FontDescriptor << /Type /FontDescriptor /FontName /Custom /Flags 32 /FontBBox [0 0 1000 1000]' +
      ' /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >> /ToUnicode 6 0 R >>',
  ];
  let header = '';
  let body = '';
  inStream.forEach((object, i) => {
    header += `${i + 1} ${body.length} `;
    body += `${object}\n`;
  });
  const objstm = deflateSync(Buffer.from(header + body, 'latin1'));

  const parts: Buffer[] = [Buffer.from('%PDF-1.5\n', 'latin1')];
  const offsets: Record<number, number> = {};
  const add = (num: number, dict: string, stream?: Buffer) => {
    offsets[num] = Buffer.concat(parts).length;
    parts.push(Buffer.from(`${num} 0 obj\n${dict}\n`, 'latin1'));
    if (stream) parts.push(Buffer.from('stream\n', 'latin1'), stream, Buffer.from('\nendstream\n', 'latin1'));
    parts.push(Buffer.from('endobj\n', 'latin1'));
  };
  add(5, `<< /Length ${content.length} /Filter /FlateDecode >>`, content);
  add(6, `<< /Length ${toUnicode.length} /Filter /FlateDecode >>`, toUnicode);
  add(7, `<< /Type /ObjStm /N 4 /First ${header.length} /Length ${objstm.length} /Filter /FlateDecode >>`, objstm);
  const xrefOffset = Buffer.concat(parts).length;
  // Rows: type (1 byte), field 2 (4 bytes), field 3 (1 byte): objects 0-8.
  const rows = [
    [0, 0, 255],
    [2, 7, 0],
    [2, 7, 1],
    [2, 7, 2],
    [2, 7, 3],
    [1, offsets[5]!, 0],
    [1, offsets[6]!, 0],
    [1, offsets[7]!, 0],
    [1, xrefOffset, 0],
  ];
  const table = Buffer.concat(
    rows.map(([type, second, third]) => {
      const row = Buffer.alloc(6);
      row.writeUInt8(type!, 0);
      row.writeUInt32BE(second!, 1);
      row.writeUInt8(third!, 5);
      return row;
    }),
  );
  add(8, `<< /Type /XRef /Size 9 /W [1 4 1] /Root 1 0 R /Length ${table.length} >>`, table);
  parts.push(Buffer.from(`startxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** RC4, the cipher of the PDF standard security handler's revision 2. */
function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i += 1) {
    j = (j + s[i]! + key[i % key.length]!) % 256;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n += 1) {
    i = (i + 1) % 256;
    j = (j + s[i]!) % 256;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) % 256]!;
  }
  return out;
}

/**
 * A one-page PDF encrypted by the standard security handler (revision 2, 40-bit RC4) with an owner password and
 * an empty user password, as "protected" PDFs that anyone may open are: its Info strings and content are
 * ciphertext on disk (ISO 32000-1 §7.6.3, algorithms 2, 3 and 4).
 */
function encryptedPdf(): Buffer {
  const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
  const padding = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
  const id = Buffer.from(PDF_ID, 'hex');
  const permissions = Buffer.alloc(4);
  permissions.writeInt32LE(-4);
  const ownerKey = md5(Buffer.concat([Buffer.from('owner'), padding]).subarray(0, 32)).subarray(0, 5);
  const owner = rc4(ownerKey, padding);
  const key = md5(padding, owner, permissions, id).subarray(0, 5);
  const user = rc4(key, padding);
  const objectKey = (num: number) => md5(key, Buffer.from([num, 0, 0, 0, 0])).subarray(0, 10);
  const content = rc4(objectKey(4), Buffer.from('BT /F1 18 Tf 72 720 Td (Sealed page) Tj ET', 'latin1'));
  const title = rc4(objectKey(6), Buffer.from('Sealed guide', 'latin1')).toString('hex');
  return assemblePdf(
    '1.4',
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      Buffer.concat([
        Buffer.from(`<< /Length ${content.length} >>\nstream\n`, 'latin1'),
        content,
        Buffer.from('\nendstream', 'latin1'),
      ]),
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
      `<< /Title <${title}> >>`,
      `<< /Filter /Standard /V 1 /R 2 /O <${owner.toString('hex')}> /U <${user.toString('hex')}> /P -4 >>`,
    ],
    `/Root 1 0 R /Info 6 0 R /Encrypt 7 0 R /ID [<${PDF_ID}> <${PDF_ID}>]`,
  );
}

describe('PDF reader (pdf.js)', () => {
  it('reads pages, version, Info and the /ID fingerprint of a classic PDF, and each page text in drawing order', async () => {
    // Prepare
    const pdf = file(
      'guide.pdf',
      makePdf([['First page', 'second line'], ['Second page']], { Title: 'Guide', Subject: 'Tides' }),
    );

    // Act
    const docinfo = await reader.docinfo(pdf);
    const texts = await reader.pageTexts(pdf);

    // Assess
    expect(docinfo).toEqual({ numPages: 2, fingerprint: PDF_ID, version: '1.4', title: 'Guide', subject: 'Tides' });
    expect(texts).toEqual(['First page\nsecond line', 'Second page']);
  });

  it('reads object streams, cross-reference streams, Flate content and ToUnicode maps, with TJ gaps as spaces', async () => {
    // Prepare
    const pdf = file('compressed.pdf', compressedPdf());

    // Act
    const texts = await reader.pageTexts(pdf);

    // Assess
    expect(texts).toEqual(['Hia bc']);
  });

  it('finds the objects when the cross-reference offsets are wrong', async () => {
    // Prepare
    const intact = makePdf([['Still readable']], { Title: 'Broken' });
    const pdf = file(
      'broken.pdf',
      Buffer.from(intact.toString('latin1').replace(/startxref\n\d+/, 'startxref\n7'), 'latin1'),
    );

    // Act
    const docinfo = await reader.docinfo(pdf);
    const texts = await reader.pageTexts(pdf);

    // Assess
    expect(docinfo).toMatchObject({ numPages: 1, title: 'Broken' });
    expect(texts).toEqual(['Still readable']);
  });

  it('fingerprints a PDF without /ID by the MD5 of its first 1024 bytes, as pdf.js does', async () => {
    // Prepare
    const lines = Array.from({ length: 40 }, (_, n) => `Tide table line ${n}`);
    const bytes = Buffer.from(
      makePdf([lines], {})
        .toString('latin1')
        .replace(/ \/ID \[[^\]]*\]/, ''),
      'latin1',
    );
    const pdf = file('no-id.pdf', bytes);

    // Act
    const docinfo = await reader.docinfo(pdf);

    // Assess
    expect(bytes.length).toBeGreaterThan(1024);
    expect(docinfo.fingerprint).toBe(createHash('md5').update(bytes.subarray(0, 1024)).digest('hex'));
  });

  it('leaves out Info entries that are blank, and trims the others', async () => {
    // Prepare
    const pdf = file('blank-info.pdf', makePdf([['x']], { Title: '  Tide tables  ', Author: '   ', Keywords: '' }));

    // Act
    const docinfo = await reader.docinfo(pdf);

    // Assess
    expect(docinfo).toEqual({ numPages: 1, fingerprint: PDF_ID, version: '1.4', title: 'Tide tables' });
  });

  it('reads an encrypted PDF anyone may open: marked encrypted, its Info and text decrypted', async () => {
    // Prepare
    const pdf = file('sealed.pdf', encryptedPdf());

    // Act
    const docinfo = await reader.docinfo(pdf);
    const texts = await reader.pageTexts(pdf);

    // Assess
    expect(docinfo).toEqual({
      numPages: 1,
      fingerprint: PDF_ID,
      version: '1.4',
      title: 'Sealed guide',
      encrypted: true,
    });
    expect(texts).toEqual(['Sealed page']);
  });

  it('reads text as RunAnalyzer: pdf.js from its layer on NODE_PATH, no canvas, no node_modules in reach', async () => {
    // Prepare: the reader bundled as NodeFunction bundles it, its layers laid out as Lambda mounts them
    const analyzer = PIPELINE_FUNCTIONS.find((fn) => fn.id === 'RunAnalyzer')!;
    const bundleDir = mkdtempSync(path.join(tmpdir(), 'm2c-pdf-bundle-'));
    const layerDir = path.join(bundleDir, 'opt');
    await build({
      stdin: {
        contents: "export * from './lambdas/media2cloud/pipeline/media/pdf/reader';",
        resolveDir: PROJECT_ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      outfile: path.join(bundleDir, 'index.js'),
      banner: { js: "const __bundle_import_meta_url = require('url').pathToFileURL(__filename).href;" },
      define: { 'import.meta.url': '__bundle_import_meta_url' },
      external: layerModules(analyzer),
      logLevel: 'silent',
    });
    for (const tool of layeredTools(analyzer).filter((name) => name !== 'ffmpeg')) {
      for (const [from, to] of Object.entries(MEDIA_TOOL_FILES[tool].files)) {
        cpSync(path.join(PROJECT_ROOT, from), path.join(layerDir, to), { recursive: true });
      }
    }
    const pdf = file('bundled.pdf', makePdf([['Read where Lambda reads it']], {}));
    const script = `require('./index.js').pdfReader().pageTexts(${JSON.stringify(pdf)})
      .then((texts) => console.log('TEXTS ' + JSON.stringify(texts)), (error) => { console.error(error); process.exit(1); });`;

    // Act
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      cwd: bundleDir,
      env: { ...process.env, NODE_PATH: path.join(layerDir, 'nodejs', 'node_modules') },
    });
    rmSync(bundleDir, { recursive: true, force: true });

    // Assess
    expect(() => require.resolve('@napi-rs/canvas', { paths: [bundleDir] })).toThrow();
    const texts = stdout.split('\n').find((line) => line.startsWith('TEXTS '));
    expect(JSON.parse(texts!.slice('TEXTS '.length))).toEqual(['Read where Lambda reads it']);
  });

  it('refuses a file that is not a PDF', async () => {
    // Prepare
    const bogus = file('bogus.pdf', Buffer.from('plain text, no PDF here'));

    // Act
    const docinfo = reader.docinfo(bogus);

    // Assess
    await expect(docinfo).rejects.toThrow('Invalid PDF structure');
  });
});
