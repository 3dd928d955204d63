import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { mediaTools, runTool } from '../../lambdas/shared/media/tools';

/**
 * A test video with CEA-608 closed captions, built at test time: ffmpeg encodes a short H.264 test pattern, and this
 * module writes the captions into it the way broadcast encoders carry them — ATSC A/53 `cc_data` (the `GA94`
 * user data) in a `user_data_registered_itu_t_t35` SEI NAL unit before every picture, field 1 (CC1) byte pairs
 * spelling pop-on captions. The npm packages for 608 (`@svta/cml-608`, `node-captions`) read or convert captions;
 * none writes `cc_data` into a video, and this ffmpeg build cannot attach A/53 side data from the command line, so
 * the bytes are written here. ffmpeg's own 608 decoder (`movie=…[out0+subcc]`) is the check that they are right.
 */

/** One pop-on caption: shown from `start` to `end` (seconds). At most 32 characters, in the 608 basic set. */
export interface CaptionLine {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** The captions the fixture carries. Each is loaded during the frames before `start`, so they must not overlap. */
export const CAPTION_LINES: readonly CaptionLine[] = [
  { text: 'WELCOME ABOARD THE FERRY', start: 1, end: 2.5 },
  { text: 'STORM WARNING AT DUSK', start: 3, end: 4.5 },
];

export const FIXTURE_FPS = 30;
export const FIXTURE_SECONDS = 5;

/** A 7-bit 608 code with its odd parity bit. */
export function withOddParity(code: number): number {
  let ones = 0;
  for (let bit = code & 0x7f; bit; bit >>= 1) ones += bit & 1;
  return ones % 2 === 0 ? code | 0x80 : code & 0x7f;
}

type BytePair = readonly [number, number];

// Channel 1 control codes (first byte 0x14): Resume Caption Loading, Erase Non-displayed Memory, End Of Caption
// (swap memories: the loaded caption appears), Erase Displayed Memory; a Preamble Address Code for row 15, white.
const RCL: BytePair = [0x14, 0x20];
const ENM: BytePair = [0x14, 0x2e];
const EOC: BytePair = [0x14, 0x2f];
const EDM: BytePair = [0x14, 0x2c];
const PAC_ROW_15: BytePair = [0x14, 0x70];
const PADDING: BytePair = [0x00, 0x00];

function textPairs(text: string): BytePair[] {
  if (!/^[A-Za-z0-9 .,!?'-]{1,32}$/.test(text)) throw new Error(`not a plain 608 caption line: ${text}`);
  const pairs: BytePair[] = [];
  for (let i = 0; i < text.length; i += 2)
    pairs.push([text.charCodeAt(i), i + 1 < text.length ? text.charCodeAt(i + 1) : 0]);
  return pairs;
}

/**
 * The field 1 byte pair of every frame: padding, except that before each caption's start the caption is loaded
 * (RCL, ENM, PAC, text), its EOC falls on the frame of `start`, and an EDM on the frame of `end`.
 */
export function captionBytePairs(lines: readonly CaptionLine[], frames: number, fps: number): BytePair[] {
  const schedule: BytePair[] = Array.from({ length: frames }, () => PADDING);
  const put = (frame: number, pair: BytePair) => {
    if (frame < 0 || frame >= frames) throw new Error(`caption data at frame ${frame} is outside the video`);
    if (schedule[frame] !== PADDING) throw new Error(`captions overlap at frame ${frame}`);
    schedule[frame] = pair;
  };
  for (const line of lines) {
    const show = Math.round(line.start * fps);
    const load = [RCL, ENM, PAC_ROW_15, ...textPairs(line.text)];
    load.forEach((pair, i) => put(show - load.length + i, pair));
    put(show, EOC);
    put(Math.round(line.end * fps), EDM);
  }
  return schedule;
}

/** The SEI payload: ITU-T T.35 USA (0xB5), provider ATSC (0x0031), `GA94`, cc_data with one field 1 pair. */
function a53CcPayload([first, second]: BytePair): Buffer {
  const ccCount = 1;
  return Buffer.from([
    0xb5,
    0x00,
    0x31,
    ...Buffer.from('GA94', 'latin1'),
    0x03, // user_data_type_code: cc_data
    0x40 | ccCount, // process_cc_data_flag, cc_count
    0xff, // em_data (reserved)
    0xfc, // marker bits, cc_valid, cc_type 0 (NTSC field 1)
    withOddParity(first),
    withOddParity(second),
    0xff, // marker_bits
  ]);
}

/**
 * An MPEG-2 picture's user data (start code 0xB2) holding the same ATSC `GA94` cc_data: where A/53 carries captions
 * in MPEG-2 video, after the picture header and its extensions, before the first slice.
 */
export function a53UserData(pair: BytePair): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x00, 0x01, 0xb2]), a53CcPayload(pair).subarray(3)]);
}

/**
 * An MPEG-2 elementary stream without B-frames (coded order is display order) with `userData[n]` inserted before the
 * first slice of the n-th picture.
 */
export function insertPictureUserData(stream: Buffer, userData: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  let picture = 0;
  let awaitingSlice = false;
  for (let i = 0; i + 3 < stream.length; i++) {
    if (stream[i] !== 0 || stream[i + 1] !== 0 || stream[i + 2] !== 1) continue;
    const code = stream[i + 3]!;
    if (code === 0x00) awaitingSlice = true;
    else if (awaitingSlice && code >= 0x01 && code <= 0xaf) {
      awaitingSlice = false;
      const data = userData[picture++];
      if (data) {
        parts.push(stream.subarray(from, i), data);
        from = i;
      }
    }
    i += 3;
  }
  if (picture !== userData.length) throw new Error(`the stream has ${picture} pictures, not ${userData.length}`);
  parts.push(stream.subarray(from));
  return Buffer.concat(parts);
}

/** An SEI NAL unit (type 6) holding one `user_data_registered_itu_t_t35` (payload type 4) message. */
export function a53SeiNal(pair: BytePair): Buffer {
  const payload = a53CcPayload(pair);
  const rbsp = Buffer.from([0x04, payload.length, ...payload, 0x80]);
  return Buffer.concat([Buffer.from([0x00, 0x00, 0x00, 0x01, 0x06]), emulationPrevention(rbsp)]);
}

/** Inserts 0x03 after two zero bytes that precede a byte ≤ 3, as the NAL unit syntax requires. */
function emulationPrevention(rbsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(0x03);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/** The start offsets of an Annex B stream's NAL units (at their start code) and their types. */
function nalUnits(stream: Buffer): { offset: number; type: number }[] {
  const units: { offset: number; type: number }[] = [];
  for (let i = 0; i + 3 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      const offset = i > 0 && stream[i - 1] === 0 ? i - 1 : i;
      units.push({ offset, type: stream[i + 3]! & 0x1f });
      i += 2;
    }
  }
  return units;
}

/**
 * An Annex B H.264 stream of one slice per picture, without B-frames (decode order is display order), with one SEI
 * inserted before each picture's slice: `seis[n]` before the n-th.
 */
export function insertSeis(stream: Buffer, seis: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  let picture = 0;
  for (const unit of nalUnits(stream)) {
    if (unit.type !== 1 && unit.type !== 5) continue;
    const sei = seis[picture++];
    if (!sei) continue;
    parts.push(stream.subarray(from, unit.offset), sei);
    from = unit.offset;
  }
  if (picture !== seis.length) throw new Error(`the stream has ${picture} pictures, not ${seis.length}`);
  parts.push(stream.subarray(from));
  return Buffer.concat(parts);
}

/** How one codec's fixture is made: its encoder, where the caption bytes go, and the container it ends in. */
interface CaptionedVideoRecipe {
  /** ffmpeg's options encoding the test pattern as a raw elementary stream, without B-frames. */
  readonly encode: readonly string[];
  /** The raw stream's demuxer name. */
  readonly rawFormat: string;
  /** The stream with one byte pair of captions added to each picture. */
  insert(stream: Buffer, pairs: readonly BytePair[]): Buffer;
  /** ffmpeg's options muxing the captioned video with the tone. */
  readonly mux: readonly string[];
}

const H264: CaptionedVideoRecipe = {
  encode: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-x264-params', 'slices=1', '-f', 'h264'],
  rawFormat: 'h264',
  insert: (stream, pairs) => insertSeis(stream, pairs.map(a53SeiNal)),
  // A 90 kHz video clock, as broadcast MP4s have: ffmpeg's `movie` source times `subcc` packets by it.
  mux: ['-c:a', 'aac', '-movflags', '+faststart', '-video_track_timescale', '90000'],
};

const MPEG2: CaptionedVideoRecipe = {
  encode: ['-c:v', 'mpeg2video', '-q:v', '6', '-f', 'mpeg2video'],
  rawFormat: 'mpegvideo',
  insert: (stream, pairs) => insertPictureUserData(stream, pairs.map(a53UserData)),
  mux: ['-c:a', 'mp2', '-f', 'mpegts'],
};

async function makeCaptionedVideo(
  recipe: CaptionedVideoRecipe,
  output: string,
  lines: readonly CaptionLine[],
): Promise<string> {
  const { ffmpeg } = mediaTools();
  const quiet = ['-hide_banner', '-nostdin', '-y', '-v', 'error'];
  const work = await mkdtemp(path.join(tmpdir(), 'cea608-'));
  try {
    const raw = path.join(work, 'video.raw');
    await runTool(ffmpeg, [
      ...quiet,
      ...['-f', 'lavfi', '-i', `testsrc=size=160x90:rate=${FIXTURE_FPS}:duration=${FIXTURE_SECONDS}`],
      ...['-bf', '0', '-g', String(FIXTURE_FPS), ...recipe.encode, raw],
    ]);
    const captioned = path.join(work, 'captioned.raw');
    const pairs = captionBytePairs(lines, FIXTURE_SECONDS * FIXTURE_FPS, FIXTURE_FPS);
    await writeFile(captioned, recipe.insert(await readFile(raw), pairs));
    await runTool(ffmpeg, [
      ...quiet,
      // Raw streams carry no timestamps: they are made at the fixture's rate.
      ...['-r', String(FIXTURE_FPS), '-fflags', '+genpts', '-f', recipe.rawFormat, '-i', captioned],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${FIXTURE_SECONDS}`],
      ...['-map', '0:v', '-map', '1:a', '-c:v', 'copy', '-shortest', ...recipe.mux, output],
    ]);
    return output;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * `directory/<name>`: an MP4 of `FIXTURE_SECONDS` of 160×90 H.264 at 30 fps with an AAC tone, carrying `lines` as
 * CEA-608 captions on CC1 (an SEI before each picture).
 */
export function makeCea608Video(
  directory: string,
  name = 'captioned.mp4',
  lines: readonly CaptionLine[] = CAPTION_LINES,
): Promise<string> {
  return makeCaptionedVideo(H264, path.join(directory, name), lines);
}

/**
 * `directory/<name>`: an MPEG transport stream of `FIXTURE_SECONDS` of 160×90 MPEG-2 video at 30 fps with an MP2
 * tone, carrying `lines` as CEA-608 captions on CC1 in each picture's A/53 user data.
 */
export function makeCea608Mpeg2Video(
  directory: string,
  name = 'captioned-mpeg2.ts',
  lines: readonly CaptionLine[] = CAPTION_LINES,
): Promise<string> {
  return makeCaptionedVideo(MPEG2, path.join(directory, name), lines);
}
