import { parseTranscript } from '../../../lambdas/shared/ai/transcribe';
import {
  samplingInterval,
  timedEntries,
  timelinesByName,
  timeseriesOf,
  trackBasename,
} from '../../../lambdas/media2cloud/pipeline/domain/tracks';
import { conversationChapters, phrasesOf } from '../../../lambdas/media2cloud/pipeline/domain/transcript';

describe('Rekognition tracks', () => {
  const seen = (name: string, ...seconds: number[]) =>
    seconds.map((s) => ({ name, timestampMs: s * 1000, confidence: 90 + s }));

  it('merges sightings one sampling interval apart into stretches and splits at a gap', () => {
    const findings = [...seen('Car', 0, 1, 2, 6, 7), ...seen('Tree', 3)];

    const timelines = timelinesByName(findings);

    expect(samplingInterval(findings)).toBe(2000);
    expect(timelines.get('Car')).toEqual([
      { name: 'Car', begin: 0, end: 4000, confidence: 92, count: 3, cueText: 'Car' },
      { name: 'Car', begin: 6000, end: 9000, confidence: 97, count: 2, cueText: 'Car' },
    ]);
    expect(timedEntries(timelines)).toEqual([
      {
        name: 'Car',
        timecodes: [
          { begin: 0, end: 4000 },
          { begin: 6000, end: 9000 },
        ],
      },
      { name: 'Tree', timecodes: [{ begin: 3000, end: 5000 }] },
    ]);
  });

  it('charts detections per sample time with the appearance, and names files as the original does', () => {
    const findings = [...seen('Car', 0, 0, 1)];
    const timelines = timelinesByName(findings).get('Car')!;

    expect(timeseriesOf('Car', findings, timelines, 5000)).toEqual({
      label: 'Car',
      duration: 5000,
      appearance: 2000,
      data: [
        { x: 0, y: 2, c: 90 },
        { x: 1000, y: 1, c: 91 },
      ],
    });
    expect(trackBasename('Ada Lovelace/AB')).toBe('ada_lovelace-ab');
  });
});

describe('transcript phrases', () => {
  const word = (content: string, start: number, end: number) => ({
    type: 'pronunciation',
    start_time: String(start),
    end_time: String(end),
    alternatives: [{ content, confidence: '0.9' }],
  });
  const stop = { type: 'punctuation', alternatives: [{ content: '.', confidence: '0' }] };

  it('ends a phrase at a full stop or a pause, and groups phrases into chapters between long pauses', () => {
    const transcript = parseTranscript({
      results: {
        language_code: 'en-US',
        items: [
          word('the', 0.1, 0.3),
          word('tide', 0.3, 0.7),
          stop,
          word('turns', 1.0, 1.4),
          word('now', 2.5, 2.9),
          word('again', 9.0, 9.5),
        ],
      },
    });

    const phrases = phrasesOf(transcript);

    expect(phrases).toEqual([
      { text: 'the tide.', begin: 100, end: 700 },
      { text: 'turns', begin: 1000, end: 1400 },
      { text: 'now', begin: 2500, end: 2900 },
      { text: 'again', begin: 9000, end: 9500 },
    ]);
    expect(conversationChapters(phrases)).toEqual([
      { start: 100, end: 2900, text: 'the tide. turns now' },
      { start: 9000, end: 9500, text: 'again' },
    ]);
  });
});
