import type { QualityAssessment, QualityMetric } from './records';

/**
 * No-reference quality measures over sampled frames (8-bit RGB, row-major), each mapped onto the five-grade
 * subjective scale of ITU-R BT.500 (1 bad … 5 excellent):
 * - `noise`: Immerkær's fast noise-variance estimate on luma (σ in 8-bit levels; lower is better);
 * - `detail`: mean absolute Laplacian of luma, a sharpness measure (higher is better);
 * - `colorfulness`: Hasler & Süsstrunk's colourfulness M (higher is more colourful).
 * The anchors below place each measure's perceptual bands on that scale.
 */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

const LABELS = ['bad', 'poor', 'fair', 'good', 'excellent'] as const;

/** (measure, score) anchors, interpolated linearly and clamped to 1–5. */
const ANCHORS: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>> = {
  // σ ≤ 1 is clean; σ ≥ 10 is visibly grainy.
  noise: [
    [1, 5],
    [2.5, 4],
    [4.5, 3],
    [7, 2],
    [10, 1],
  ],
  // Flat or blurred frames sit near 1–2 levels; crisp, detailed ones above 8.
  detail: [
    [0.5, 1],
    [1.5, 2],
    [3, 3],
    [5, 4],
    [8, 5],
  ],
  // Hasler & Süsstrunk's bands: 15 slightly, 33 moderately, 45 averagely, 59 quite, 82 highly colourful.
  colorfulness: [
    [5, 1],
    [15, 2],
    [33, 3],
    [59, 4],
    [82, 5],
  ],
};

export function assessQuality(frames: readonly Frame[]): QualityAssessment {
  if (frames.length === 0) throw new Error('No frames to assess');
  const mean = (measure: (frame: Frame) => number) =>
    frames.reduce((sum, frame) => sum + measure(frame), 0) / frames.length;
  const metrics: QualityMetric[] = [
    metric('noise', mean(noiseSigma)),
    metric('detail', mean(detail)),
    metric('colorfulness', mean(colorfulness)),
  ];
  const overall = metrics.reduce((sum, item) => sum + item.subjectiveScore, 0) / metrics.length;
  return { metrics, overallSubjectiveScore: round(overall) };
}

function metric(name: string, sampleMean: number): QualityMetric {
  const score = subjectiveScore(name, sampleMean);
  return { name, sampleMean: round(sampleMean), subjectiveLabel: labelFor(score), subjectiveScore: round(score) };
}

export function subjectiveScore(name: string, value: number): number {
  const anchors = ANCHORS[name];
  if (!anchors) throw new Error(`Unknown metric ${name}`);
  const first = anchors[0] as readonly [number, number];
  const last = anchors[anchors.length - 1] as readonly [number, number];
  if (value <= first[0]) return first[1];
  if (value >= last[0]) return last[1];
  for (let i = 1; i < anchors.length; i++) {
    const [x1, y1] = anchors[i] as readonly [number, number];
    const [x0, y0] = anchors[i - 1] as readonly [number, number];
    if (value <= x1) return y0 + ((value - x0) / (x1 - x0)) * (y1 - y0);
  }
  return last[1];
}

export function labelFor(score: number): string {
  return LABELS[Math.min(4, Math.max(0, Math.round(score) - 1))] as string;
}

function luma(frame: Frame): Float64Array {
  const { width, height, rgb } = frame;
  const y = new Float64Array(width * height);
  for (let i = 0; i < width * height; i++) {
    y[i] = 0.299 * (rgb[i * 3] as number) + 0.587 * (rgb[i * 3 + 1] as number) + 0.114 * (rgb[i * 3 + 2] as number);
  }
  return y;
}

/**
 * Immerkær (1996): convolve with the difference of two Laplacians, which cancels image structure to first order,
 * and σ = √(π/2) · Σ|response| / (6 (W−2)(H−2)).
 */
export function noiseSigma(frame: Frame): number {
  const { width, height } = frame;
  if (width < 3 || height < 3) return 0;
  const y = luma(frame);
  const kernel = [1, -2, 1, -2, 4, -2, 1, -2, 1];
  let sum = 0;
  for (let row = 1; row < height - 1; row++) {
    for (let col = 1; col < width - 1; col++) {
      let response = 0;
      for (let k = 0; k < 9; k++) {
        const dy = Math.floor(k / 3) - 1;
        const dx = (k % 3) - 1;
        response += (kernel[k] as number) * (y[(row + dy) * width + col + dx] as number);
      }
      sum += Math.abs(response);
    }
  }
  return (Math.sqrt(Math.PI / 2) * sum) / (6 * (width - 2) * (height - 2));
}

/** Mean |4-neighbour Laplacian| of luma. */
export function detail(frame: Frame): number {
  const { width, height } = frame;
  if (width < 3 || height < 3) return 0;
  const y = luma(frame);
  let sum = 0;
  for (let row = 1; row < height - 1; row++) {
    for (let col = 1; col < width - 1; col++) {
      const i = row * width + col;
      sum += Math.abs(
        4 * (y[i] as number) -
          (y[i - 1] as number) -
          (y[i + 1] as number) -
          (y[i - width] as number) -
          (y[i + width] as number),
      );
    }
  }
  return sum / ((width - 2) * (height - 2));
}

/** Hasler & Süsstrunk (2003): M = σ_rgyb + 0.3 μ_rgyb with rg = R−G, yb = (R+G)/2 − B. */
export function colorfulness(frame: Frame): number {
  const pixels = frame.width * frame.height;
  if (pixels === 0) return 0;
  let sumRg = 0;
  let sumYb = 0;
  let sumRg2 = 0;
  let sumYb2 = 0;
  for (let i = 0; i < pixels; i++) {
    const r = frame.rgb[i * 3] as number;
    const g = frame.rgb[i * 3 + 1] as number;
    const b = frame.rgb[i * 3 + 2] as number;
    const rg = r - g;
    const yb = (r + g) / 2 - b;
    sumRg += rg;
    sumYb += yb;
    sumRg2 += rg * rg;
    sumYb2 += yb * yb;
  }
  const meanRg = sumRg / pixels;
  const meanYb = sumYb / pixels;
  const varRg = Math.max(0, sumRg2 / pixels - meanRg * meanRg);
  const varYb = Math.max(0, sumYb2 / pixels - meanYb * meanYb);
  return Math.sqrt(varRg + varYb) + 0.3 * Math.sqrt(meanRg * meanRg + meanYb * meanYb);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
