import {
  filterLabels,
  labels,
  moderationLabels,
  similarity,
  textDetections,
} from '../../../lib/local/rekognition/answers';
import { decodeToken, encodeToken } from '../../../lib/local/rekognition/image-operations';
import { parseDetections, sceneThreshold, shotConfidence } from '../../../lib/local/rekognition/video/segments';

const box = (left: number, top: number, width = 0.1, height = 0.05) => ({ left, top, width, height });

describe('Rekognition answers from model output', () => {
  it('gives each COCO class its Rekognition label, and the broader labels above it', () => {
    // Act
    const found = labels([
      { label: 'car', score: 0.9, box: box(0.1, 0.1) },
      { label: 'car', score: 0.6, box: box(0.5, 0.1) },
      { label: 'truck', score: 0.7, box: box(0.3, 0.3) },
    ]);

    // Assess
    expect(found.map((label) => [label.Name, Math.round(label.Confidence)])).toEqual([
      ['Car', 90],
      ['Vehicle', 90],
      ['Transportation', 90],
      ['Truck', 70],
    ]);
    const car = found[0]!;
    expect(car.Instances.map((instance) => Math.round(instance.Confidence))).toEqual([90, 60]);
    expect(car.Parents).toEqual([{ Name: 'Vehicle' }, { Name: 'Transportation' }]);
    expect(car.Categories).toEqual([{ Name: 'Vehicles and Automotive' }]);
    expect(found[1]).toMatchObject({ Instances: [], Parents: [{ Name: 'Transportation' }] });
  });

  it('filters labels by confidence, names, categories and count', () => {
    // Prepare
    const found = labels([
      { label: 'dog', score: 0.8, box: box(0.1, 0.1) },
      { label: 'cup', score: 0.4, box: box(0.5, 0.1) },
    ]);

    // Act
    const confident = filterLabels(found, { minConfidence: 55 });
    const animals = filterLabels(found, { minConfidence: 0, includeCategories: ['Animals and Pets'], maxLabels: 2 });

    // Assess
    expect(confident.map((label) => label.Name)).toEqual(['Dog', 'Canine', 'Pet', 'Mammal', 'Animal']);
    expect(animals.map((label) => label.Name)).toEqual(['Dog', 'Canine']);
  });

  it('maps the NSFW classes to moderation labels above the threshold', () => {
    // Act
    const found = moderationLabels({ Porn: 0.1, Hentai: 0.7, Sexy: 0.15, Drawing: 0.05, Neutral: 0 }, 50);

    // Assess
    expect(found.ModerationLabels).toEqual([
      { Name: 'Explicit Nudity', ParentName: '', TaxonomyLevel: 1, Confidence: 70 },
      { Name: 'Illustrated Explicit Nudity', ParentName: 'Explicit Nudity', TaxonomyLevel: 2, Confidence: 70 },
    ]);
    expect(found.ContentTypes).toEqual([{ Name: 'Illustrated', Confidence: 75 }]);
  });

  it('numbers lines first, then their words, dropping unsure words', () => {
    // Act
    const found = textDetections(
      [
        {
          text: 'HELLO ~~ WORLD',
          confidence: 0.7,
          box: box(0.1, 0.1, 0.5),
          words: [
            { text: 'HELLO', confidence: 0.95, box: box(0.1, 0.1) },
            { text: '~~', confidence: 0.3, box: box(0.25, 0.1) },
            { text: 'WORLD', confidence: 0.9, box: box(0.4, 0.1) },
          ],
        },
        {
          text: '@@',
          confidence: 0.2,
          box: box(0.1, 0.5),
          words: [{ text: '@@', confidence: 0.2, box: box(0.1, 0.5) }],
        },
      ],
      { minConfidence: 80, minBoundingBoxHeight: 0, minBoundingBoxWidth: 0, regions: [] },
    );

    // Assess
    expect(found.map((text) => [text.Type, text.Id, text.ParentId, text.DetectedText])).toEqual([
      ['LINE', 0, undefined, 'HELLO WORLD'],
      ['WORD', 1, 0, 'HELLO'],
      ['WORD', 2, 0, 'WORLD'],
    ]);
    const line = found[0]!.Geometry.BoundingBox;
    expect([line.Left, line.Top, line.Width, line.Height].map((value) => value.toFixed(6))).toEqual([
      '0.100000',
      '0.100000',
      '0.400000',
      '0.050000',
    ]);
  });

  it('puts face-api’s same-person distance at the default match threshold', () => {
    // Prepare
    const a = Array.from({ length: 128 }, () => 0);
    const at = (distance: number) => [distance, ...a.slice(1)];

    // Act + Assess
    expect(similarity(a, a)).toBe(100);
    expect(similarity(a, at(0.6))).toBeCloseTo(80, 6);
    expect(similarity(a, at(2))).toBe(0);
  });

  it('issues pagination tokens that only the same listing accepts', () => {
    // Act
    const token = encodeToken(40, 'faces:people');

    // Assess
    expect(decodeToken(token, 'faces:people')).toBe(40);
    expect(() => decodeToken(token, 'faces:others')).toThrow('Invalid Token');
    expect(() => decodeToken('garbage', 'faces:people')).toThrow('Invalid Token');
  });
});

describe('segment detection from ffmpeg’s log', () => {
  it('reads cuts with their scores, black, silent and frozen stretches', () => {
    // Prepare
    const log = [
      '[Parsed_metadata_4 @ 0x1] frame:0    pts:25600   pts_time:2',
      '[Parsed_metadata_4 @ 0x1] lavfi.scene_score=0.812000',
      '[blackdetect @ 0x2] black_start:4 black_end:5 black_duration:1',
      '[freezedetect @ 0x3] lavfi.freezedetect.freeze_start: 0',
      '[freezedetect @ 0x3] lavfi.freezedetect.freeze_end: 2',
      '[silencedetect @ 0x4] silence_start: 3.9',
      '[silencedetect @ 0x4] silence_end: 5.2 | silence_duration: 1.3',
      '[freezedetect @ 0x3] lavfi.freezedetect.freeze_start: 6.5',
    ].join('\n');

    // Act
    const measured = parseDetections(log, 7);

    // Assess
    expect(measured).toEqual({
      cuts: [{ time: 2, score: 0.812 }],
      black: [{ start: 4, end: 5 }],
      silence: [{ start: 3.9, end: 5.2 }],
      frozen: [
        { start: 0, end: 2 },
        { start: 6.5, end: 7 },
      ],
    });
  });

  it('rescales the scene score so the default minimum confidence is ffmpeg’s usual cut threshold', () => {
    // Act + Assess
    expect(shotConfidence(0.3)).toBe(80);
    expect(shotConfidence(0.9)).toBe(100);
    expect(sceneThreshold(80)).toBeCloseTo(0.3);
    expect(sceneThreshold(50)).toBe(0.05);
  });
});
