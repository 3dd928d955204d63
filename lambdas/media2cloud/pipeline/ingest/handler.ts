import { awsDependencies } from '../adapters';
import { ingestHandlers } from './handlers';

/**
 * Lambda entry points of the ingest state machine's tasks (RunDocinfo and StartTranscode have their own:
 * `docinfo-handler.ts`, `transcode-handler.ts`) and of the rule that ends a transcode task (TranscodeJobEnded).
 */
export const { createRecord, fixity, runMediainfo, transcodeAudio, transcodeJobEnded, runImageinfo, ingestCompleted } =
  ingestHandlers(awsDependencies());
