import { awsDependencies } from '../adapters';
import { ingestHandlers } from './handlers';

/** Lambda entry points of the ingest state machine's tasks (RunDocinfo has its own: `docinfo-handler.ts`). */
export const { createRecord, fixity, runMediainfo, transcodeVideo, transcodeAudio, runImageinfo, ingestCompleted } =
  ingestHandlers(awsDependencies());
