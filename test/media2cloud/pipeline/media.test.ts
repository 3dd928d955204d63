import { readImageInfo, parseXmp } from '../../../lambdas/media2cloud/pipeline/media/image-metadata';
import type { RandomAccess } from '../../../lambdas/media2cloud/pipeline/ports';
import { XMP } from './fixtures';

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

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
}

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
