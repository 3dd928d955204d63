import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { mediaTools, runTool } from '../../../lambdas/shared/media/tools';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BASE_AI_OPTIONS } from '../../../lambdas/media2cloud/pipeline/domain/ai-options';

/** Real media made for the tests with ffmpeg (lavfi sources), plus files ffmpeg cannot write (EXIF, PDF). */

export const SUBTITLES_SRT = [
  '1',
  '00:00:00,500 --> 00:00:01,800',
  'Hello from the <i>harbour</i>',
  '',
  '2',
  '00:00:02,000 --> 00:00:03,250',
  'The tide turns',
  'at noon',
  '',
].join('\n');

/** A sidecar in French, uploaded next to the video as `<name>.fr.vtt`. */
export const SIDECAR_VTT = [
  'WEBVTT',
  '',
  'cue-1',
  '00:00:01.000 --> 00:00:02.500 align:start',
  'Bonjour le phare',
  '',
].join('\n');

const ffmpeg = () => mediaTools().ffmpeg;

/** 4 s of 320×240 H.264 test pattern, an AAC tone and a mov_text subtitle track from an SRT; titled. */
export async function makeVideoWithSubtitles(directory: string): Promise<string> {
  const srt = path.join(directory, 'subs.srt');
  await writeFile(srt, SUBTITLES_SRT);
  const output = path.join(directory, 'harbour.mp4');
  await runTool(ffmpeg(), [
    ...['-hide_banner', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=4:size=320x240:rate=25'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-i', srt],
    ...['-map', '0:v', '-map', '1:a', '-map', '2:s', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-c:s', 'mov_text', '-metadata:s:s:0', 'language=eng', '-metadata', 'title=Harbour at noon'],
    output,
  ]);
  return output;
}

/**
 * A long video made in seconds: one minute of 64×36 test pattern at 1 fps with silent AAC (48 kHz stereo), looped
 * without re-encoding to `seconds` (a whole number of minutes), as `<name>.mp4` in `directory`.
 */
export async function makeLongLowResVideo(directory: string, name: string, seconds: number): Promise<string> {
  const minute = path.join(directory, `${name}-minute.mp4`);
  await runTool(ffmpeg(), [
    ...['-hide_banner', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x36:rate=1:duration=60'],
    ...['-f', 'lavfi', '-i', 'anullsrc=sample_rate=48000:channel_layout=stereo', '-t', '60'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '10'],
    ...['-c:a', 'aac', '-b:a', '32k', minute],
  ]);
  const output = path.join(directory, `${name}.mp4`);
  await runTool(ffmpeg(), [
    ...['-hide_banner', '-y', '-stream_loop', String(Math.round(seconds / 60) - 1), '-i', minute],
    ...['-c', 'copy', '-movflags', '+faststart', output],
  ]);
  return output;
}

/** 3 s of MP3 with ID3v2 tags and a JPEG cover picture. */
export async function makeTaggedMp3(directory: string): Promise<string> {
  const output = path.join(directory, 'song.mp3');
  await runTool(ffmpeg(), [
    ...['-hide_banner', '-y', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=3'],
    ...['-f', 'lavfi', '-i', 'color=c=red:s=64x64:d=1', '-map', '0:a', '-map', '1:v', '-frames:v', '1'],
    ...['-c:a', 'libmp3lame', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', '-id3v2_version', '3'],
    ...['-metadata', 'title=Morning Tide', '-metadata', 'artist=The Gulls', '-metadata', 'album=Coast'],
    ...['-metadata', 'genre=Ambient', output],
  ]);
  return output;
}

/** An MP4 that holds only audio: named like a video, ingested as audio. */
export async function makeAudioOnlyMp4(directory: string): Promise<string> {
  const output = path.join(directory, 'voice.mp4');
  await runTool(ffmpeg(), [
    ...['-hide_banner', '-y', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=2', '-c:a', 'aac', output],
  ]);
  return output;
}

/** A 640×360 JPEG with an EXIF APP1 (ImageDescription, Artist, Copyright, XPKeywords) and an XMP APP1. */
export async function makeJpegWithMetadata(directory: string): Promise<string> {
  const plain = path.join(directory, 'plain.jpg');
  await runTool(ffmpeg(), [
    ...['-hide_banner', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=1', '-frames:v', '1', plain],
  ]);
  const jpeg = await readFile(plain);
  const exif = app1(Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff(EXIF_ENTRIES)]));
  const xmp = app1(Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from(XMP, 'utf8')]));
  const output = path.join(directory, 'lighthouse.jpg');
  await writeFile(output, Buffer.concat([jpeg.subarray(0, 2), exif, xmp, jpeg.subarray(2)]));
  return output;
}

export const XMP = [
  '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>',
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
  '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">',
  '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Lighthouse at dusk</rdf:li></rdf:Alt></dc:title>',
  '<dc:subject><rdf:Bag><rdf:li>lighthouse</rdf:li><rdf:li>harbour &amp; coast</rdf:li></rdf:Bag></dc:subject>',
  '<dc:creator><rdf:Seq><rdf:li>Ada Keeper</rdf:li></rdf:Seq></dc:creator>',
  '</rdf:Description></rdf:RDF></x:xmpmeta>',
  '<?xpacket end="w"?>',
].join('');

type ExifEntry = { tag: number; type: 'ascii' | 'ucs2' | 'short'; value: string | number };

const EXIF_ENTRIES: ExifEntry[] = [
  { tag: 0x010e, type: 'ascii', value: 'The old lighthouse seen from the pier' },
  { tag: 0x0112, type: 'short', value: 1 },
  { tag: 0x013b, type: 'ascii', value: 'Ada Keeper' },
  { tag: 0x8298, type: 'ascii', value: 'CC BY 4.0' },
  { tag: 0x9c9e, type: 'ucs2', value: 'pier;dusk' },
];

/** A little-endian TIFF structure with one IFD (EXIF's layout), values past 4 bytes after the IFD. */
function tiff(entries: ExifEntry[]): Buffer {
  const ifdOffset = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  const values: Buffer[] = [];
  let valueOffset = ifdOffset + ifdSize;
  const ifd = Buffer.alloc(ifdSize);
  ifd.writeUInt16LE(entries.length, 0);
  entries.forEach((entry, i) => {
    const at = 2 + i * 12;
    ifd.writeUInt16LE(entry.tag, at);
    if (entry.type === 'short') {
      ifd.writeUInt16LE(3, at + 2);
      ifd.writeUInt32LE(1, at + 4);
      ifd.writeUInt16LE(entry.value as number, at + 8);
      return;
    }
    const data =
      entry.type === 'ascii'
        ? Buffer.from(`${entry.value as string}\0`, 'latin1')
        : Buffer.from(`${entry.value as string}\0`, 'utf16le');
    ifd.writeUInt16LE(entry.type === 'ascii' ? 2 : 1, at + 2);
    ifd.writeUInt32LE(data.length, at + 4);
    if (data.length <= 4) data.copy(ifd, at + 8);
    else {
      ifd.writeUInt32LE(valueOffset, at + 8);
      values.push(data);
      valueOffset += data.length;
    }
  });
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, ifdOffset, 0, 0, 0]);
  return Buffer.concat([header, ifd, ...values]);
}

function app1(payload: Buffer): Buffer {
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/** A minimal valid PDF 1.4, written by hand: one Helvetica page per text, an Info dictionary and an `/ID`. */
export function makePdf(pages: readonly string[][], info: Record<string, string>): Buffer {
  const objects: string[] = [];
  const kids = pages.map((_, i) => `${4 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  pages.forEach((lines, i) => {
    const shown = lines.map((line, n) => `${n === 0 ? '72 720 Td' : '0 -28 Td'} (${line}) Tj`).join(' ');
    const content = `BT /F1 18 Tf ${shown} ET`;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
    );
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  });
  const entries = Object.entries(info)
    .map(([name, value]) => `/${name} (${value})`)
    .join(' ');
  objects.push(`<< ${entries} >>`);
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R`;
  out += ` /ID [<${PDF_ID}> <${PDF_ID}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export const PDF_ID = '6d65646961706c616e652d7069706531';

/**
 * Stores the web portal's global `aiOptions` (`_settings/aioptions.json` in the proxy bucket) with every AI analysis
 * off, for suites that ingest through local mode without testing the AI analyses: the stack default (`v4.default`)
 * would run Rekognition, Transcribe, Comprehend and Textract on every asset.
 */
export async function turnOffAiAnalysis(s3: S3Client, proxyBucket: string): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: proxyBucket,
      Key: '_settings/aioptions.json',
      Body: JSON.stringify(BASE_AI_OPTIONS),
      ContentType: 'application/json',
    }),
  );
}
