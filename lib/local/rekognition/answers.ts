/**
 * The models' findings in Rekognition's response shapes (FaceDetail, Label, TextDetection, ModerationLabel). Pure
 * functions: every number comes from a model run on the image, rescaled to Rekognition's units (percentages, ratios).
 * Where a model does not measure an attribute Rekognition reports (beards, glasses), the attribute is left out
 * rather than guessed; docs/compatibility.md lists them.
 */
import type { Box, ModelFace, ModelLine, ModelObject, ModelPoint } from './models/protocol';
import { COCO_LABELS, NSFW_ILLUSTRATED, NSFW_MODERATION, parentCategory, parentsOf, type LabelInfo } from './taxonomy';

export interface WireBoundingBox {
  Width: number;
  Height: number;
  Left: number;
  Top: number;
}

export function boundingBox(box: Box): WireBoundingBox {
  return { Width: box.width, Height: box.height, Left: box.left, Top: box.top };
}

const percent = (ratio: number) => Math.max(0, Math.min(100, ratio * 100));

// ---------------------------------------------------------------------------------------------------------------
// Faces

/** Facial attributes a caller can ask for; the rest (beard, glasses, occlusion, gaze) no local model measures. */
export type FaceAttributeName = 'AGE_RANGE' | 'EMOTIONS' | 'GENDER' | 'SMILE' | 'EYES_OPEN' | 'MOUTH_OPEN';
const MEASURED_ATTRIBUTES: readonly FaceAttributeName[] = [
  'AGE_RANGE',
  'EMOTIONS',
  'GENDER',
  'SMILE',
  'EYES_OPEN',
  'MOUTH_OPEN',
];
export const FACE_ATTRIBUTE_VALUES = [
  'DEFAULT',
  'ALL',
  'AGE_RANGE',
  'BEARD',
  'EMOTIONS',
  'EYE_DIRECTION',
  'EYEGLASSES',
  'EYES_OPEN',
  'GENDER',
  'MOUTH_OPEN',
  'MUSTACHE',
  'FACE_OCCLUDED',
  'SMILE',
  'SUNGLASSES',
] as const;

/** Which measured attributes a request's `Attributes` / `FaceAttributes` asks for, beyond the default set. */
export function requestedAttributes(values: readonly string[]): Set<FaceAttributeName> {
  if (values.includes('ALL')) return new Set(MEASURED_ATTRIBUTES);
  return new Set(MEASURED_ATTRIBUTES.filter((name) => values.includes(name)));
}

/** iBUG 300-W indices (0-based) of the points Rekognition names; several points average a region. */
const LANDMARKS: readonly [string, readonly number[]][] = [
  ['eyeLeft', [36, 37, 38, 39, 40, 41]],
  ['eyeRight', [42, 43, 44, 45, 46, 47]],
  ['mouthLeft', [48]],
  ['mouthRight', [54]],
  ['nose', [30]],
  ['leftEyeBrowLeft', [17]],
  ['leftEyeBrowRight', [21]],
  ['leftEyeBrowUp', [19]],
  ['rightEyeBrowLeft', [22]],
  ['rightEyeBrowRight', [26]],
  ['rightEyeBrowUp', [24]],
  ['leftEyeLeft', [36]],
  ['leftEyeRight', [39]],
  ['leftEyeUp', [37, 38]],
  ['leftEyeDown', [40, 41]],
  ['rightEyeLeft', [42]],
  ['rightEyeRight', [45]],
  ['rightEyeUp', [43, 44]],
  ['rightEyeDown', [46, 47]],
  ['noseLeft', [31]],
  ['noseRight', [35]],
  ['mouthUp', [51]],
  ['mouthDown', [57]],
  // No iris model runs: a pupil is reported at the centre of its eye's outline.
  ['leftPupil', [36, 37, 38, 39, 40, 41]],
  ['rightPupil', [42, 43, 44, 45, 46, 47]],
  ['upperJawlineLeft', [1]],
  ['midJawlineLeft', [4]],
  ['chinBottom', [8]],
  ['midJawlineRight', [12]],
  ['upperJawlineRight', [15]],
];
/** What `ComparedFace` (celebrities, searches) carries: the five main points only. */
const COMPARED_LANDMARKS = new Set(['eyeLeft', 'eyeRight', 'mouthLeft', 'mouthRight', 'nose']);

function mean(points: readonly ModelPoint[], indices: readonly number[]): ModelPoint {
  let x = 0;
  let y = 0;
  for (const index of indices) {
    x += points[index]?.x ?? 0;
    y += points[index]?.y ?? 0;
  }
  return { x: x / indices.length, y: y / indices.length };
}

export function landmarks(face: ModelFace, only?: ReadonlySet<string>) {
  return LANDMARKS.filter(([type]) => !only || only.has(type)).map(([type, indices]) => {
    const point = mean(face.landmarks, indices);
    return { Type: type, X: point.x, Y: point.y };
  });
}

const degrees = (radians: number) => (radians * 180) / Math.PI;
const clampUnit = (value: number) => Math.max(-1, Math.min(1, value));

/**
 * Head pose estimated from the landmarks (in pixels, so the image's aspect counts): roll is the eye line's angle;
 * yaw the nose tip's offset from the eyes' midpoint along that line (asin of the offset over half the eye distance);
 * pitch the nose tip's height between the eye line and the mouth, against 0.6 of that distance for a level head
 * (positive looking up). A geometric estimate: face-api's own angles proved unreliable on turned heads.
 */
export function pose(face: ModelFace, size: ImageSize) {
  const point = (indices: readonly number[]) => {
    const p = mean(face.landmarks, indices);
    return { x: p.x * size.width, y: p.y * size.height };
  };
  const left = point([36, 37, 38, 39, 40, 41]);
  const right = point([42, 43, 44, 45, 46, 47]);
  const nose = point([30]);
  const mouth = point([48, 54]);
  const length = Math.hypot(right.x - left.x, right.y - left.y) || 1;
  const ux = (right.x - left.x) / length;
  const uy = (right.y - left.y) / length;
  const along = (p: { x: number; y: number }) => (p.x - left.x) * ux + (p.y - left.y) * uy;
  const across = (p: { x: number; y: number }) => -(p.x - left.x) * uy + (p.y - left.y) * ux;
  const mouthDrop = across(mouth) || 1;
  return {
    Roll: degrees(Math.atan2(uy, ux)),
    Yaw: degrees(Math.asin(clampUnit((along(nose) / length - 0.5) * 2))),
    Pitch: -degrees(Math.asin(clampUnit((across(nose) / mouthDrop - 0.6) / 0.4))),
  };
}

/**
 * Brightness is the face's mean luma on Rekognition's 0–100 scale. Sharpness maps the variance of the luma's
 * Laplacian (a standard focus measure) to 0–100: 100·(1 − e^(−v/100)), so a blurred face (v ≈ 10) reads ~10 and a
 * crisp one (v ≥ 300) reads above 95.
 */
export function quality(face: ModelFace) {
  return {
    Brightness: percent(face.pixels.meanLuma / 255),
    Sharpness: percent(1 - Math.exp(-face.pixels.laplacianVariance / 100)),
  };
}

const EMOTIONS: Readonly<Record<string, string>> = {
  neutral: 'CALM',
  happy: 'HAPPY',
  sad: 'SAD',
  angry: 'ANGRY',
  fearful: 'FEAR',
  disgusted: 'DISGUSTED',
  surprised: 'SURPRISED',
};

export function emotions(face: ModelFace) {
  return Object.entries(face.expressions)
    .filter(([name]) => EMOTIONS[name])
    .map(([name, probability]) => ({ Type: EMOTIONS[name] as string, Confidence: percent(probability) }))
    .sort((a, b) => b.Confidence - a.Confidence);
}

/** A yes/no attribute measured as a ratio against a threshold: the further from it, the surer. */
function decide(value: number, threshold: number, span: number) {
  const margin = Math.min(1, Math.abs(value - threshold) / span);
  return { Value: value > threshold, Confidence: 50 + 50 * margin };
}

function distance(face: ModelFace, width: number, height: number, a: number, b: number): number {
  const p = face.landmarks[a];
  const q = face.landmarks[b];
  if (!p || !q) return 0;
  return Math.hypot((p.x - q.x) * width, (p.y - q.y) * height);
}

/** Eye aspect ratio (Soukupová and Čech): lid gap over eye width, open above 0.2. */
function eyesOpen(face: ModelFace, width: number, height: number) {
  const ratio = (outer: number, top1: number, top2: number, inner: number, bottom2: number, bottom1: number) => {
    const across = distance(face, width, height, outer, inner);
    return across > 0
      ? (distance(face, width, height, top1, bottom1) + distance(face, width, height, top2, bottom2)) / (2 * across)
      : 0;
  };
  const ear = (ratio(36, 37, 38, 39, 40, 41) + ratio(42, 43, 44, 45, 46, 47)) / 2;
  return decide(ear, 0.2, 0.1);
}

/** Inner-lip gap over mouth width, open above 0.1. */
function mouthOpen(face: ModelFace, width: number, height: number) {
  const across = distance(face, width, height, 60, 64);
  const gap = across > 0 ? distance(face, width, height, 62, 66) / across : 0;
  return decide(gap, 0.1, 0.2);
}

/**
 * The age model gives a point estimate; Rekognition gives a range. The range is the estimate ± 15 % (at least ± 3
 * years), about the model's reported mean error.
 */
export function ageRange(age: number) {
  const spread = Math.max(3, age * 0.15);
  return { Low: Math.max(0, Math.floor(age - spread)), High: Math.ceil(age + spread) };
}

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** A `FaceDetail`: the default set, plus the measured attributes asked for. */
export function faceDetail(face: ModelFace, size: ImageSize, attributes: ReadonlySet<FaceAttributeName>) {
  const happy = face.expressions.happy ?? 0;
  return {
    BoundingBox: boundingBox(face.box),
    ...(attributes.has('AGE_RANGE') ? { AgeRange: ageRange(face.age) } : {}),
    ...(attributes.has('SMILE')
      ? { Smile: { Value: happy >= 0.5, Confidence: percent(Math.max(happy, 1 - happy)) } }
      : {}),
    ...(attributes.has('GENDER')
      ? {
          Gender: {
            Value: face.gender === 'female' ? 'Female' : 'Male',
            Confidence: percent(face.genderProbability),
          },
        }
      : {}),
    ...(attributes.has('EYES_OPEN') ? { EyesOpen: eyesOpen(face, size.width, size.height) } : {}),
    ...(attributes.has('MOUTH_OPEN') ? { MouthOpen: mouthOpen(face, size.width, size.height) } : {}),
    ...(attributes.has('EMOTIONS') ? { Emotions: emotions(face) } : {}),
    Landmarks: landmarks(face),
    Pose: pose(face, size),
    Quality: quality(face),
    Confidence: percent(face.score),
  };
}

/** A `ComparedFace`: what celebrity recognition and searches report about a face. */
export function comparedFace(face: ModelFace, size: ImageSize) {
  const happy = face.expressions.happy ?? 0;
  return {
    BoundingBox: boundingBox(face.box),
    Confidence: percent(face.score),
    Landmarks: landmarks(face, COMPARED_LANDMARKS),
    Pose: pose(face, size),
    Quality: quality(face),
    Emotions: emotions(face),
    Smile: { Value: happy >= 0.5, Confidence: percent(Math.max(happy, 1 - happy)) },
  };
}

/** Faces largest first: Rekognition's MaxFaces keeps the largest. */
export function byFaceSize<T extends { readonly box: Box }>(faces: readonly T[]): T[] {
  return [...faces].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
}

/**
 * Similarity of two 128-d face descriptors in percent. face-api's own same-person rule is a Euclidean distance
 * under 0.6; the scale puts that distance at 80 %, Rekognition's default FaceMatchThreshold, so the default
 * threshold keeps the model's intended decision: 100·(1 − d²/1.8), floored at 0.
 */
export function similarity(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    sum += d * d;
  }
  return Math.max(0, 100 * (1 - sum / 1.8));
}

// ---------------------------------------------------------------------------------------------------------------
// Labels

export interface WireLabel {
  Name: string;
  Confidence: number;
  Instances: { BoundingBox: WireBoundingBox; Confidence: number }[];
  Parents: { Name: string }[];
  Aliases: { Name: string }[];
  Categories: { Name: string }[];
}

/**
 * One label per class seen, its instances with boxes, and a label for each broader label above it (as Rekognition
 * returns `Vehicle` and `Transportation` with `Car`), at the confidence of the surest thing it covers.
 */
export function labels(objects: readonly ModelObject[]): WireLabel[] {
  const found = new Map<string, WireLabel>();
  const add = (
    info: LabelInfo | { name: string; parents: readonly string[]; category?: string; aliases?: readonly string[] },
    confidence: number,
  ) => {
    let label = found.get(info.name);
    if (!label) {
      label = {
        Name: info.name,
        Confidence: 0,
        Instances: [],
        Parents: info.parents.map((name) => ({ Name: name })),
        Aliases: (info.aliases ?? []).map((name) => ({ Name: name })),
        Categories: info.category ? [{ Name: info.category }] : [],
      };
      found.set(info.name, label);
    }
    label.Confidence = Math.max(label.Confidence, confidence);
    return label;
  };
  for (const object of objects) {
    const info = COCO_LABELS[object.label];
    if (!info) continue;
    const confidence = percent(object.score);
    add(info, confidence).Instances.push({ BoundingBox: boundingBox(object.box), Confidence: confidence });
    for (const parent of info.parents) {
      add({ name: parent, parents: parentsOf(parent), category: parentCategory(parent) }, confidence);
    }
  }
  for (const label of found.values()) label.Instances.sort((a, b) => b.Confidence - a.Confidence);
  return [...found.values()].sort((a, b) => b.Confidence - a.Confidence);
}

export interface LabelFilters {
  readonly minConfidence: number;
  readonly maxLabels?: number;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly includeCategories?: readonly string[];
  readonly excludeCategories?: readonly string[];
}

export function filterLabels(found: readonly WireLabel[], filters: LabelFilters): WireLabel[] {
  const kept = found
    .map((label) => ({
      ...label,
      Instances: label.Instances.filter((instance) => instance.Confidence >= filters.minConfidence),
    }))
    .filter((label) => label.Confidence >= filters.minConfidence)
    .filter((label) => !filters.include?.length || filters.include.includes(label.Name))
    .filter((label) => !filters.exclude?.includes(label.Name))
    .filter(
      (label) =>
        !filters.includeCategories?.length ||
        label.Categories.some((category) => filters.includeCategories?.includes(category.Name)),
    )
    .filter((label) => !label.Categories.some((category) => filters.excludeCategories?.includes(category.Name)));
  return filters.maxLabels === undefined ? kept : kept.slice(0, filters.maxLabels);
}

// ---------------------------------------------------------------------------------------------------------------
// Moderation

export interface WireModerationLabel {
  Confidence: number;
  Name: string;
  ParentName: string;
  TaxonomyLevel: number;
}

export function moderationLabels(classes: Readonly<Record<string, number>>, minConfidence: number) {
  const found = new Map<string, WireModerationLabel>();
  for (const [className, probability] of Object.entries(classes)) {
    for (const info of NSFW_MODERATION[className] ?? []) {
      const confidence = percent(probability);
      const existing = found.get(info.name);
      if (!existing || existing.Confidence < confidence) {
        found.set(info.name, {
          Confidence: confidence,
          Name: info.name,
          ParentName: info.parentName,
          TaxonomyLevel: info.taxonomyLevel,
        });
      }
    }
  }
  const illustrated = NSFW_ILLUSTRATED.reduce((sum, name) => sum + (classes[name] ?? 0), 0);
  return {
    ModerationLabels: [...found.values()]
      .filter((label) => label.Confidence >= minConfidence)
      .sort((a, b) => b.Confidence - a.Confidence),
    ContentTypes:
      percent(illustrated) >= minConfidence ? [{ Confidence: percent(illustrated), Name: 'Illustrated' }] : [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Text

export interface TextFilters {
  /** Words below it are left out. @default 80 */
  readonly minConfidence: number;
  readonly minBoundingBoxHeight: number;
  readonly minBoundingBoxWidth: number;
  /** Words whose box centre lies in none of these are left out. @default - the whole image */
  readonly regions: readonly Box[];
}

/** Rekognition detects at most 100 words in an image. */
const MAX_WORDS = 100;

function geometry(box: Box) {
  return {
    BoundingBox: boundingBox(box),
    Polygon: [
      { X: box.left, Y: box.top },
      { X: box.left + box.width, Y: box.top },
      { X: box.left + box.width, Y: box.top + box.height },
      { X: box.left, Y: box.top + box.height },
    ],
  };
}

export interface WireTextDetection {
  DetectedText: string;
  Type: 'LINE' | 'WORD';
  Id: number;
  ParentId?: number;
  Confidence: number;
  Geometry: ReturnType<typeof geometry>;
}

/** Lines first, then their words with the line's id as `ParentId`, as Rekognition numbers them. */
export function textDetections(lines: readonly ModelLine[], filters: TextFilters): WireTextDetection[] {
  const inRegion = (box: Box) =>
    filters.regions.length === 0 ||
    filters.regions.some((region) => {
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      return x >= region.left && x <= region.left + region.width && y >= region.top && y <= region.top + region.height;
    });
  let budget = MAX_WORDS;
  const kept: { line: ModelLine; words: ModelLine['words'] }[] = [];
  for (const line of lines) {
    const words = line.words
      .filter((word) => percent(word.confidence) >= filters.minConfidence)
      .filter(
        (word) => word.box.height >= filters.minBoundingBoxHeight && word.box.width >= filters.minBoundingBoxWidth,
      )
      .filter((word) => inRegion(word.box))
      .slice(0, budget);
    if (words.length === 0) continue;
    budget -= words.length;
    kept.push({ line, words });
    if (budget === 0) break;
  }
  const detections: WireTextDetection[] = [];
  kept.forEach(({ line, words }, index) => {
    const box = union(words.map((word) => word.box));
    detections.push({
      DetectedText: words.map((word) => word.text).join(' '),
      Type: 'LINE',
      Id: index,
      Confidence: percent(words.reduce((sum, word) => sum + word.confidence, 0) / words.length),
      Geometry: geometry(words.length === line.words.length ? line.box : box),
    });
  });
  let id = kept.length;
  kept.forEach(({ words }, parent) => {
    for (const word of words) {
      detections.push({
        DetectedText: word.text,
        Type: 'WORD',
        Id: id++,
        ParentId: parent,
        Confidence: percent(word.confidence),
        Geometry: geometry(word.box),
      });
    }
  });
  return detections;
}

function union(boxes: readonly Box[]): Box {
  const left = Math.min(...boxes.map((box) => box.left));
  const top = Math.min(...boxes.map((box) => box.top));
  const right = Math.max(...boxes.map((box) => box.left + box.width));
  const bottom = Math.max(...boxes.map((box) => box.top + box.height));
  return { left, top, width: right - left, height: bottom - top };
}
