/**
 * What the Rekognition stand-in asks its model process and what it answers. Positions are ratios of the image
 * (0 to 1 from the top-left corner) and scores 0 to 1, as the models give them; the stand-in maps them to
 * Rekognition's shapes and percentages.
 */

/** An image as the caller sent it (JPEG or PNG bytes), or a video frame already decoded to RGB. */
export type ModelImage =
  { readonly encoded: Uint8Array } | { readonly rgb: Uint8Array; readonly width: number; readonly height: number };

/** Which models to run on one image. */
export interface ModelTasks {
  /** Faces with landmarks, age, gender and expressions; `descriptors` adds the 128-d descriptor of each. */
  readonly faces?: { readonly descriptors: boolean };
  /** The 80 COCO object classes with boxes (CenterNet). */
  readonly objects?: boolean;
  /** The NSFW classifier's five classes for the whole image. */
  readonly moderation?: boolean;
  /** Words and lines of text (Tesseract LSTM). */
  readonly text?: boolean;
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface ModelPoint {
  readonly x: number;
  readonly y: number;
}

export interface ModelFace {
  readonly box: Box;
  readonly score: number;
  /** The 68 points of the iBUG 300-W layout (jaw 0–16, brows 17–26, nose 27–35, eyes 36–47, mouth 48–67). */
  readonly landmarks: readonly ModelPoint[];
  /** A point estimate in years. */
  readonly age: number;
  readonly gender: 'male' | 'female';
  readonly genderProbability: number;
  /** neutral, happy, sad, angry, fearful, disgusted, surprised: probabilities that sum to 1. */
  readonly expressions: Readonly<Record<string, number>>;
  /** Mean luma of the face box (0–255) and the variance of its Laplacian, measured on the pixels. */
  readonly pixels: { readonly meanLuma: number; readonly laplacianVariance: number };
  readonly descriptor?: readonly number[];
}

export interface ModelObject {
  /** A COCO class name (`person`, `car`, `cell phone`). */
  readonly label: string;
  readonly score: number;
  readonly box: Box;
}

export interface ModelWord {
  readonly text: string;
  /** 0 to 1. */
  readonly confidence: number;
  readonly box: Box;
}

export interface ModelLine {
  readonly text: string;
  readonly confidence: number;
  readonly box: Box;
  readonly words: readonly ModelWord[];
}

export interface ModelResult {
  /** The decoded image's size in pixels. */
  readonly width: number;
  readonly height: number;
  readonly faces?: readonly ModelFace[];
  readonly objects?: readonly ModelObject[];
  /** Class name (`Drawing`, `Hentai`, `Neutral`, `Porn`, `Sexy`) → probability. */
  readonly moderation?: Readonly<Record<string, number>>;
  readonly text?: readonly ModelLine[];
}

export interface ModelRequest {
  readonly id: number;
  readonly image: ModelImage;
  readonly tasks: ModelTasks;
}

export type ModelResponse =
  | { readonly id: number; readonly result: ModelResult }
  | { readonly id: number; readonly error: { readonly kind: 'image' | 'model'; readonly message: string } };
