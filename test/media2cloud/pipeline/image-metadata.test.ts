import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readImageInfo } from '../../../lambdas/media2cloud/pipeline/media/image-metadata';
import { makeJpegWithMetadata, XMP } from './fixtures';

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'm2c-image-metadata-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Writes the bytes to a file of their own and returns its path. */
function file(name: string, bytes: Buffer): string {
  const written = path.join(directory, name);
  writeFileSync(written, bytes);
  return written;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
}

/** A PNG of the given size whose text and XMP chunks follow its (large) image data, as PNG allows. */
function pngWithText(xmp: string): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(800, 0);
  ihdr.writeUInt32BE(600, 4);
  ihdr.writeUInt8(8, 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.alloc(100_000)),
    pngChunk('tEXt', Buffer.from('Author\0Ada Keeper', 'latin1')),
    pngChunk('iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), Buffer.from(xmp, 'utf8')])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

type TiffValue =
  | { readonly ascii: string }
  | { readonly short: number }
  | { readonly rationals: readonly (readonly [number, number])[] }
  | { readonly bytes: Buffer }
  | { readonly ifd: ReadonlyArray<readonly [number, TiffValue]> };

/** A little-endian TIFF: one 8×8 strip-less IFD0 with the given entries, sub-IFDs (EXIF, GPS) after it. */
function tiff(entries: ReadonlyArray<readonly [number, TiffValue]>): Buffer {
  const chunks: Buffer[] = [];
  let end = 8;
  const place = (data: Buffer): number => {
    const at = end;
    chunks.push(data, Buffer.alloc(data.length % 2));
    end += data.length + (data.length % 2);
    return at;
  };
  const writeIfd = (list: ReadonlyArray<readonly [number, TiffValue]>): number => {
    const sorted = [...list].sort(([a], [b]) => a - b);
    const ifd = Buffer.alloc(2 + sorted.length * 12 + 4);
    const at = place(ifd);
    ifd.writeUInt16LE(sorted.length, 0);
    sorted.forEach(([tag, value], i) => {
      const entry = 2 + i * 12;
      ifd.writeUInt16LE(tag, entry);
      let type: number;
      let count: number;
      let data: Buffer;
      if ('short' in value) [type, count, data] = [3, 1, Buffer.from([value.short & 0xff, value.short >> 8, 0, 0])];
      else if ('ascii' in value)
        [type, count, data] = [2, value.ascii.length + 1, Buffer.from(`${value.ascii}\0`, 'latin1')];
      else if ('bytes' in value) [type, count, data] = [7, value.bytes.length, value.bytes];
      else if ('rationals' in value) {
        data = Buffer.alloc(value.rationals.length * 8);
        value.rationals.forEach(([numerator, denominator], n) => {
          data.writeUInt32LE(numerator, n * 8);
          data.writeUInt32LE(denominator, n * 8 + 4);
        });
        [type, count] = [5, value.rationals.length];
      } else {
        [type, count, data] = [4, 1, Buffer.alloc(4)];
        data.writeUInt32LE(writeIfd(value.ifd));
      }
      ifd.writeUInt16LE(type, entry + 2);
      ifd.writeUInt32LE(count, entry + 4);
      if (data.length <= 4) data.copy(ifd, entry + 8);
      else ifd.writeUInt32LE(place(data), entry + 8);
    });
    return at;
  };
  const first = writeIfd([[0x0100, { short: 8 }], [0x0101, { short: 8 }], ...entries]);
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0, 0, 0, 0]);
  header.writeUInt32LE(first, 4);
  return Buffer.concat([header, ...chunks]);
}

/** IPTC-IIM datasets of record 2 (application), as Photoshop writes them. */
function iptc(datasets: ReadonlyArray<readonly [number, string]>): Buffer {
  return Buffer.concat(
    datasets.map(([dataset, text]) => {
      const value = Buffer.from(text, 'utf8');
      const header = Buffer.from([0x1c, 2, dataset, 0, 0]);
      header.writeUInt16BE(value.length, 3);
      return Buffer.concat([header, value]);
    }),
  );
}

describe('image metadata (exifr)', () => {
  it('reads EXIF and element-form XMP of a JPEG by exiftool names, lists joined and entities decoded', async () => {
    // Prepare
    const jpeg = await makeJpegWithMetadata(directory);

    // Act
    const info = await readImageInfo(jpeg);

    // Assess
    expect(info).toEqual({
      FileType: 'JPEG',
      ImageDescription: 'The old lighthouse seen from the pier',
      Orientation: 'Horizontal (normal)',
      Artist: 'Ada Keeper',
      Copyright: 'CC BY 4.0',
      XPKeywords: 'pier;dusk',
      Title: 'Lighthouse at dusk',
      Subject: 'lighthouse, harbour & coast',
      Creator: 'Ada Keeper',
    });
  });

  it('reads PNG size, text chunks and an iTXt XMP packet in attribute form that follow the image data', async () => {
    // Prepare
    const xmp = XMP.replace(
      '<rdf:Description rdf:about=""',
      '<rdf:Description dc:rights="CC0 &amp; free" photoshop:City="Brest" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"',
    );
    const png = file('harbour.png', pngWithText(xmp));

    // Act
    const info = await readImageInfo(png);

    // Assess
    expect(info).toEqual({
      FileType: 'PNG',
      ImageWidth: 800,
      ImageHeight: 600,
      Author: 'Ada Keeper',
      Title: 'Lighthouse at dusk',
      Subject: 'lighthouse, harbour & coast',
      Creator: 'Ada Keeper',
      Rights: 'CC0 & free',
      City: 'Brest',
    });
  });

  it('reads a TIFF: the EXIF IFD as text and numbers, GPS as signed degrees, IPTC datasets by exiftool names', async () => {
    // Prepare
    const image = tiff([
      [0x010f, { ascii: 'Harbour Cameras' }],
      [0x0112, { short: 6 }],
      [0x0132, { ascii: '2024:05:01 18:30:00' }],
      [
        0x8769,
        {
          ifd: [
            [0x829a, { rationals: [[1, 250]] }],
            [0x829d, { rationals: [[28, 10]] }],
            [0x9003, { ascii: '2024:05:01 18:29:59' }],
            [0x9286, { bytes: Buffer.from('ASCII\0\0\0Low tide', 'latin1') }],
          ],
        },
      ],
      [
        0x8825,
        {
          ifd: [
            [0x0001, { ascii: 'N' }],
            [
              0x0002,
              {
                rationals: [
                  [48, 1],
                  [23, 1],
                  [0, 1],
                ],
              },
            ],
            [0x0003, { ascii: 'W' }],
            [
              0x0004,
              {
                rationals: [
                  [4, 1],
                  [30, 1],
                  [0, 1],
                ],
              },
            ],
          ],
        },
      ],
      [
        0x83bb,
        {
          bytes: iptc([
            [5, 'Pier'],
            [25, 'tide'],
            [25, 'boats'],
            [80, 'Ada Keeper'],
            [120, 'Boats at low tide'],
          ]),
        },
      ],
    ]);
    const path_ = file('pier.tif', image);

    // Act
    const info = await readImageInfo(path_);

    // Assess
    expect(info).toEqual({
      FileType: 'TIFF',
      ImageWidth: 8,
      ImageHeight: 8,
      Make: 'Harbour Cameras',
      Orientation: 'Rotate 90 CW',
      ModifyDate: '2024:05:01 18:30:00',
      ExposureTime: 0.004,
      FNumber: 2.8,
      DateTimeOriginal: '2024:05:01 18:29:59',
      UserComment: 'Low tide',
      GPSLatitude: 48 + 23 / 60,
      GPSLongitude: -4.5,
      ObjectName: 'Pier',
      Keywords: 'tide, boats',
      'By-line': 'Ada Keeper',
      'Caption-Abstract': 'Boats at low tide',
    });
  });

  it('reads nothing from a format it does not know', async () => {
    // Prepare
    const text = file('notes.jpg', Buffer.from('not an image at all'));

    // Act
    const info = await readImageInfo(text);

    // Assess
    expect(info).toEqual({});
  });
});
