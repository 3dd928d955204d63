import type { ObjectLocation } from '../media/s3-objects';

export type TranscodeJobStatus = 'SUBMITTED' | 'PROGRESSING' | 'COMPLETE' | 'CANCELED' | 'ERROR';

/** One file a transcode job writes. */
export interface TranscodeOutput {
  readonly location: ObjectLocation;
  /** `video/mp4`, `audio/mp4`, `image/jpeg`, `application/x-mpegURL`... */
  readonly contentType: string;
  /** @default - not known yet, or not a timed medium */
  readonly durationMs?: number;
  /** @default - not a picture */
  readonly width?: number;
  /** @default - not a picture */
  readonly height?: number;
}

/**
 * A transcode job as a MediaConvert-like engine reports it: submitted, then progressing, then complete with its
 * outputs, or failed with the engine's reason.
 */
export interface TranscodeJob {
  readonly id: string;
  readonly status: TranscodeJobStatus;
  readonly input: ObjectLocation;
  /** What the job has written; complete once `status` is `COMPLETE`. */
  readonly outputs: readonly TranscodeOutput[];
  /** 0 to 100 while progressing. @default - not reported */
  readonly progressPercent?: number;
  /** Why the job ended in `ERROR`. @default - none */
  readonly errorMessage?: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** @default - not finished */
  readonly finishedAt?: number;
}
