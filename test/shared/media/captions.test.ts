import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  extractEmbeddedCaptions,
  probeClosedCaptionsArguments,
  reportsClosedCaptions,
  webVttToSrt,
} from '../../../lambdas/shared/media/captions';
import { mediaTools, runTool } from '../../../lambdas/shared/media/tools';
import { parseSubtitles } from '../../../lambdas/media2cloud/pipeline/media/subtitles';
import {
  CAPTION_LINES,
  captionBytePairs,
  makeCea608Mpeg2Video,
  makeCea608Video,
  withOddParity,
} from '../../support/cea608';

const { ffmpeg, ffprobe } = mediaTools();

/** The cues a WebVTT or SubRip text holds, as `{begin, end, text}` in ms, markup left in. */
const cues = (text: string) => parseSubtitles(text).map(({ begin, end, text: words }) => ({ begin, end, words }));
const expected = CAPTION_LINES.map((line) => ({ begin: line.start * 1000, end: line.end * 1000, words: line.text }));

let work: string;
let fixture: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'captions-test-'));
  fixture = await makeCea608Video(work);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the CEA-608 fixture', () => {
  it("spells its caption lines at their times, as ffmpeg's own reader (movie=…[out0+subcc]) decodes them", async () => {
    // Act: the check the issue names, run as written
    const srt = path.join(work, 'out.srt');
    await runTool(ffmpeg, [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `movie=${fixture}[out0+subcc]`,
      '-map',
      '0:1',
      srt,
    ]);

    // Assess: ffmpeg's SubRip keeps the decoder's styling around the words
    expect(cues(readFileSync(srt, 'utf8'))).toEqual(
      expected.map((cue) => ({ ...cue, words: expect.stringContaining(cue.words) as unknown as string })),
    );
  });

  it('loads each caption before its start and shows it with EOC on the frame of its start', () => {
    const pairs = captionBytePairs([{ text: 'HI', start: 0.2, end: 0.3 }], 10, 30);

    expect(pairs).toEqual([
      [0x00, 0x00],
      [0x00, 0x00],
      [0x14, 0x20],
      [0x14, 0x2e],
      [0x14, 0x70],
      [0x48, 0x49],
      [0x14, 0x2f],
      [0x00, 0x00],
      [0x00, 0x00],
      [0x14, 0x2c],
    ]);
    expect([0x00, 0x14, 0x20, 0x49].map(withOddParity)).toEqual([0x80, 0x94, 0x20, 0x49]);
  });
});

describe('embedded captions with ffmpeg', () => {
  it('finds captions in a video that carries them and none in one that does not', async () => {
    const plain = path.join(work, 'plain.mp4');
    await runTool(ffmpeg, [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=30:duration=1'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', plain],
    ]);

    const [captioned, uncaptioned] = await Promise.all(
      [fixture, plain].map((file) => runTool(ffprobe, probeClosedCaptionsArguments(file))),
    );

    expect(reportsClosedCaptions(captioned!)).toBe(true);
    expect(reportsClosedCaptions(uncaptioned!)).toBe(false);
    expect(reportsClosedCaptions('closed_captions=1\n')).toBe(true);
  });

  it('decodes CC1 to WebVTT at the right times whatever the time base of the video track', async () => {
    // Prepare: the fixture with an MP4 time base of 1/15360, where ffmpeg's subcc alone times captions wrongly
    const remuxed = path.join(work, 'remuxed.mp4');
    await runTool(ffmpeg, [
      '-v',
      'error',
      '-y',
      '-i',
      fixture,
      '-c',
      'copy',
      '-video_track_timescale',
      '15360',
      remuxed,
    ]);
    const vtt = path.join(work, 'captions.vtt');

    // Act
    await extractEmbeddedCaptions(ffmpeg, remuxed, work, vtt);

    // Assess
    const text = readFileSync(vtt, 'utf8');
    expect(text.startsWith('WEBVTT')).toBe(true);
    expect(cues(text)).toEqual(expected);
  });

  it('finds and decodes the same captions in MPEG-2 video (A/53 picture user data)', async () => {
    // Prepare
    const mpeg2 = await makeCea608Mpeg2Video(work);
    const vtt = path.join(work, 'captions-mpeg2.vtt');

    // Act
    const report = await runTool(ffprobe, probeClosedCaptionsArguments(mpeg2));
    await extractEmbeddedCaptions(ffmpeg, mpeg2, work, vtt);

    // Assess
    expect(reportsClosedCaptions(report)).toBe(true);
    expect(cues(readFileSync(vtt, 'utf8'))).toEqual(expected);
  });

  it('turns WebVTT into numbered SubRip cues', () => {
    const vtt =
      'WEBVTT\n\n00:01.000 --> 00:02.500\nONE\n\nNOTE a note\n\n01:02:03.040 --> 01:02:04.000 align:start\nTWO\n';

    expect(webVttToSrt(vtt)).toBe('1\n00:00:01,000 --> 00:00:02,500\nONE\n\n2\n01:02:03,040 --> 01:02:04,000\nTWO\n');
    expect(webVttToSrt('WEBVTT\n')).toBe('');
  });
});
