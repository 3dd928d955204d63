import { awsDependencies } from '../adapters';
import { ingestHandlers } from './handlers';

/** Lambda entry points of the ingest state machine's tasks. */
export const {
  createRecord,
  fixity,
  runMediainfo,
  transcodeVideo,
  transcodeAudio,
  runImageinfo,
  runDocinfo,
  ingestCompleted,
} = ingestHandlers(awsDependencies());
