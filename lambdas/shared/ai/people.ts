import type { BoundingBox, Confidence, Timed } from './geometry';
import type { FaceDetection } from './vision';

/** A face stored in a face collection, as indexing returns it and listings show it. */
export interface IndexedFace {
  /** The collection's id for the face (a UUID). */
  readonly faceId: string;
  /** Which indexed image the face came from. */
  readonly imageId: string;
  /** The caller's name for that image. @default - none given */
  readonly externalImageId?: string;
  /** The user the face is associated with (AssociateFaces). @default - none */
  readonly userId?: string;
  readonly boundingBox: BoundingBox;
  readonly confidence: Confidence;
}

/** A stored face that looks like the one searched for. */
export interface FaceMatch {
  /** How alike the two faces are, in percent. */
  readonly similarity: Confidence;
  readonly face: IndexedFace;
}

/** A face that indexing left out, and why (`LOW_SHARPNESS`, `EXCEEDS_MAX_FACES`...). */
export interface UnindexedFace {
  readonly reasons: readonly string[];
  readonly face: FaceDetection;
}

/** A person followed through a video: the same `index` in every frame they are seen in. */
export interface PersonDetection extends Timed {
  readonly index: number;
  readonly boundingBox: BoundingBox;
}

/** A person in a video whose face matched faces of a collection. */
export interface PersonMatch extends PersonDetection {
  readonly face?: FaceDetection;
  readonly matches: readonly FaceMatch[];
}
