import { deflateSync } from 'node:zlib';
import { readImageInfo, parseXmp } from '../../../lambdas/media2cloud/pipeline/media/image-metadata';
import { PdfDocument } from '../../../lambdas/media2cloud/pipeline/media/pdf/document';
import { extractPageText } from '../../../lambdas/media2cloud/pipeline/media/pdf/text';
import type { RandomAccess } from '../../../lambdas/media2cloud/pipeline/ports';
import { makePdf, PDF_ID, XMP } from './fixtures';

/** Reads served from memory, counting the bytes handed out. */
function access(bytes: Buffer): RandomAccess & { bytesRead: number } {
  const counter = {
    size: bytes.length,
    bytesRead: 0,
    async read(offset: number, length: number) {
      const chunk = bytes.subarray(offset, offset + length);
      counter.bytesRead += chunk.length;
      return chunk;
    },
  };
  return counter;
}

async function pagesOf(pdf: Buffer): Promise<string[]> {
  const document = await PdfDocument.open(access(pdf));
  return Promise.all((await document.pages()).map((page) => extractPageText(document, page)));
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
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
    '<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Custom /ToUnicode 6 0 R >>',
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

describe('PDF reader', () => {
  it('reads pages, Info and the /ID fingerprint of a classic PDF, and each page text in drawing order', async () => {
    const pdf = makePdf([['First page', 'second line'], ['Second page']], { Title: 'Guide', Subject: 'Tides' });
    const document = await PdfDocument.open(access(pdf));

    expect(await document.numPages()).toBe(2);
    expect(await document.fingerprint()).toBe(PDF_ID);
    expect(await document.info()).toMatchObject({ title: 'Guide', subject: 'Tides' });
    expect(await pagesOf(pdf)).toEqual(['First page\nsecond line', 'Second page']);
  });

  it('reads object streams, cross-reference streams, Flate content and ToUnicode maps, with TJ gaps as spaces', async () => {
    expect(await pagesOf(compressedPdf())).toEqual(['Hia bc']);
  });

  it('finds the objects by scanning when the cross-reference offsets are wrong', async () => {
    const pdf = makePdf([['Still readable']], { Title: 'Broken' });
    const broken = Buffer.from(pdf.toString('latin1').replace(/startxref\n\d+/, 'startxref\n7'), 'latin1');

    expect(await pagesOf(broken)).toEqual(['Still readable']);
  });

  it('fingerprints a PDF without /ID by the MD5 of its first 1024 bytes, as pdf.js does', async () => {
    const pdf = Buffer.from(
      makePdf([['x']], {})
        .toString('latin1')
        .replace(/ \/ID \[[^\]]*\]/, ''),
      'latin1',
    );
    const document = await PdfDocument.open(access(pdf));

    expect(await document.fingerprint()).toMatch(/^[0-9a-f]{32}$/);
    expect(await document.fingerprint()).not.toBe(PDF_ID);
  });

  it('refuses a file that is not a PDF', async () => {
    await expect(PdfDocument.open(access(Buffer.from('plain text, no PDF here')))).rejects.toThrow('no %PDF- header');
  });
});

describe('image metadata', () => {
  it('reads XMP in element and attribute form, lists joined', () => {
    expect(parseXmp(XMP)).toEqual({
      Title: 'Lighthouse at dusk',
      Subject: 'lighthouse, harbour & coast',
      Creator: 'Ada Keeper',
    });
    expect(parseXmp('<rdf:Description dc:rights="CC0" photoshop:City="Brest"/>')).toEqual({
      Rights: 'CC0',
      City: 'Brest',
    });
  });

  it('reads PNG size, text chunks and an iTXt XMP packet, skipping the image data', async () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(800, 0);
    ihdr.writeUInt32BE(600, 4);
    const idat = Buffer.alloc(100_000);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', idat),
      chunk('tEXt', Buffer.from('Author\0Ada Keeper', 'latin1')),
      chunk('iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), Buffer.from(XMP, 'utf8')])),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const file = access(png);

    expect(await readImageInfo(file)).toMatchObject({
      FileType: 'PNG',
      ImageWidth: 800,
      ImageHeight: 600,
      Author: 'Ada Keeper',
      Title: 'Lighthouse at dusk',
    });
    expect(file.bytesRead).toBeLessThan(idat.length);
  });
});
