import { createPixopPorts } from '../adapters';
import { loadConfig } from '../config';
import { Uploads, videoIdOfOriginalKey } from '../domain/media';
import { VideoLibrary } from '../domain/videos';

const config = loadConfig(['videosTable', 'mediaBucket', 'ingestStateMachineArn']);
const ports = createPixopPorts({
  ...config,
  usersTable: '',
  teamsTable: '',
  projectsTable: '',
  processStateMachineArn: '',
});
const library = new VideoLibrary({ ...ports, settings: { maxConcurrency: 1, segmentSeconds: 1 }, now: Date.now });
const uploads = new Uploads({ ...ports, library, now: Date.now });

/** EventBridge's `Object Created` event of the media bucket. */
interface ObjectCreated {
  readonly detail?: { readonly bucket?: { readonly name?: string }; readonly object?: { readonly key?: string } };
}

/**
 * Records uploads that arrive in the media bucket (presigned POSTs, and the API's own, which it has usually
 * recorded already) and starts their ingestion.
 */
export async function handler(event: ObjectCreated): Promise<{ recorded: boolean }> {
  // EventBridge carries the key as stored (classic notifications would URL-encode it).
  const key = event.detail?.object?.key ?? '';
  const videoId = videoIdOfOriginalKey(key);
  if (!videoId || event.detail?.bucket?.name !== config.mediaBucket) return { recorded: false };
  return { recorded: await uploads.recordUpload(videoId, key) };
}
