import type { BoundingBox, Confidence, Geometry, Point, TimeSpan, Timed } from './geometry';

/** An object, scene or concept seen in a frame (`Car`, `Beach`, `Wedding`). */
export interface LabelDetection extends Timed {
  readonly name: string;
  readonly confidence: Confidence;
  /** Broader labels it implies, nearest first (`Car` → `Vehicle`, `Transportation`). */
  readonly parents: readonly string[];
  /** @default - none */
  readonly aliases?: readonly string[];
  /** The label's category (`Vehicles and Automotive`). @default - none */
  readonly categories?: readonly string[];
  /** Each occurrence that can be located (objects can, scenes cannot). */
  readonly instances: readonly { readonly boundingBox: BoundingBox; readonly confidence: Confidence }[];
}

/** A facial landmark: `eyeLeft`, `nose`, `mouthRight`, ... */
export interface FaceLandmark extends Point {
  readonly type: string;
}

/** Head orientation in degrees. */
export interface Pose {
  readonly roll: number;
  readonly yaw: number;
  readonly pitch: number;
}

/** Image quality of the face, 0 (worst) to 100. */
export interface FaceQuality {
  readonly brightness: number;
  readonly sharpness: number;
}

/** A yes/no attribute of a face (smile, eyeglasses, beard, eyes open...) and how sure the service is of it. */
export interface FaceAttribute<T = boolean> {
  readonly value: T;
  readonly confidence: Confidence;
}

export type EmotionType =
  'HAPPY' | 'SAD' | 'ANGRY' | 'CONFUSED' | 'DISGUSTED' | 'SURPRISED' | 'CALM' | 'FEAR' | 'UNKNOWN';

/** A face found in a frame, with what the service could tell about it. */
export interface FaceDetection extends Timed {
  readonly boundingBox: BoundingBox;
  readonly confidence: Confidence;
  readonly landmarks: readonly FaceLandmark[];
  readonly pose: Pose;
  readonly quality: FaceQuality;
  /** Estimated age range in years. */
  readonly ageRange: { readonly low: number; readonly high: number };
  /** The service's guess from appearance, never an identity. */
  readonly gender: FaceAttribute<'Male' | 'Female'>;
  /** Most likely first. */
  readonly emotions: readonly { readonly type: EmotionType; readonly confidence: Confidence }[];
  /** `smile`, `eyeglasses`, `sunglasses`, `beard`, `mustache`, `eyesOpen`, `mouthOpen`, as the service reports them. */
  readonly attributes: Readonly<Record<string, FaceAttribute>>;
}

/** A well-known person recognised in a frame. */
export interface CelebrityRecognition extends Timed {
  readonly name: string;
  /** The service's id of the person, stable across calls. */
  readonly id: string;
  /** Pages about the person (IMDb, Wikidata...). */
  readonly urls: readonly string[];
  /** How sure the service is that this face is this person. */
  readonly matchConfidence: Confidence;
  readonly face: Pick<FaceDetection, 'boundingBox' | 'confidence'> & Partial<Pick<FaceDetection, 'landmarks' | 'pose'>>;
}

/** Unsafe or sensitive content (`Explicit Nudity`, `Violence`...), in the service's two- or three-level taxonomy. */
export interface ModerationLabel extends Timed {
  readonly name: string;
  /** The top-level category; empty for a top-level label. */
  readonly parentName: string;
  readonly confidence: Confidence;
  /** 1 for a top-level category, 2 or 3 below it. @default - not reported */
  readonly taxonomyLevel?: number;
}

/** Text seen in a frame (a sign, a caption, a slide): a line, or a word of one. */
export interface TextDetection extends Timed {
  readonly text: string;
  readonly type: 'LINE' | 'WORD';
  /** Unique within one frame's results. */
  readonly id: number;
  /** The line a word belongs to. @default - none (a line) */
  readonly parentId?: number;
  readonly confidence: Confidence;
  readonly geometry: Geometry;
}

/** A camera shot: a run of frames between two cuts. */
export interface ShotSegment extends TimeSpan {
  readonly type: 'SHOT';
  /** 0 for the video's first shot. */
  readonly index: number;
  readonly confidence: Confidence;
  /** SMPTE timecodes (`HH:MM:SS:FF`, or `;` for drop frame) of the first and last frame. */
  readonly startTimecode: string;
  readonly endTimecode: string;
}

export type TechnicalCueType =
  'ColorBars' | 'EndCredits' | 'BlackFrames' | 'OpeningCredits' | 'StudioLogo' | 'Slate' | 'Content';

/** A technical cue: a stretch of the video that is colour bars, credits, black frames, a slate... */
export interface TechnicalCueSegment extends TimeSpan {
  readonly type: 'TECHNICAL_CUE';
  readonly cue: TechnicalCueType;
  readonly confidence: Confidence;
  readonly startTimecode: string;
  readonly endTimecode: string;
}

export type Segment = ShotSegment | TechnicalCueSegment;
