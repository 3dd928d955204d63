/**
 * Where a result sits in a frame, a page or a timeline. Positions are ratios of the image or page size (0 to 1 from
 * the top-left corner), as the AWS vision and document services give them, so they survive any rescaling of the
 * picture; times are whole milliseconds from the start of the media.
 */

/** An axis-aligned box, as ratios of the frame or page width and height. */
export interface BoundingBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** A point, as ratios of the frame or page width (`x`) and height (`y`). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A box and the finer polygon around the same thing (text on a slant, a rotated page). */
export interface Geometry {
  readonly boundingBox: BoundingBox;
  /** Corners in order, starting top-left. @default - the box's corners */
  readonly polygon?: readonly Point[];
}

/** A span of the media's timeline. */
export interface TimeSpan {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Results found in a video carry the time of the frame they were seen in; the same results found in a still image
 * have none.
 */
export interface Timed {
  /** @default - a still image */
  readonly timestampMs?: number;
}

/** How sure a service is, in percent (0 to 100), as the AWS services report it. */
export type Confidence = number;
