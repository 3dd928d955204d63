import type { PipelineDependencies } from '../ports';
import { createRecord } from './create-record';
import { runFixity } from './fixity';
import { ingestCompleted } from './ingest-completed';
import { runDocinfo } from './run-docinfo';
import { runImageinfo } from './run-imageinfo';
import { runMediainfo } from './run-mediainfo';
import { startTranscode } from './start-transcode';
import { transcodeAudio } from './transcode';
import { transcodeJobEnded } from './transcode-job-ended';

export type TaskHandler = (event: unknown) => Promise<unknown>;

/** The ingest state machine's tasks, one Lambda function each (see `catalog.ts`), over the given dependencies. */
export function ingestHandlers(deps: PipelineDependencies) {
  return {
    createRecord: (event: unknown) => createRecord(event, deps),
    fixity: (event: unknown) => runFixity(event, deps),
    runMediainfo: (event: unknown) => runMediainfo(event, deps),
    startTranscode: (event: unknown) => startTranscode(event, deps),
    transcodeJobEnded: (event: unknown) => transcodeJobEnded(event, deps),
    transcodeAudio: (event: unknown) => transcodeAudio(event, deps),
    runImageinfo: (event: unknown) => runImageinfo(event, deps),
    runDocinfo: (event: unknown) => runDocinfo(event, deps),
    ingestCompleted: (event: unknown) => ingestCompleted(event, deps),
  } satisfies Record<string, TaskHandler>;
}
