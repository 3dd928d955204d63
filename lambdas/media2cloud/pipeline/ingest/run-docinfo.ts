import * as path from 'node:path';
import { errorText, MediaProcessingError } from '../domain/errors';
import { transcodePrefix } from '../domain/layout';
import type { DocInfo } from '../domain/records';
import { parseIngestState, type IngestState } from '../domain/state';
import { openFileAccess } from '../media/access';
import { PdfDocument } from '../media/pdf/document';
import type { PipelineDependencies } from '../ports';

export type RunDocinfoDependencies = Pick<PipelineDependencies, 'records' | 'objects' | 'scratch'>;

/**
 * `Run docinfo`: the PDF's page count, fingerprint and Info entries to the record's `docinfo`. The PDF is streamed
 * to `/tmp` and read by offset. The original also renders every page to `transcode/proxy/<page>.png`; that needs a
 * canvas implementation this build does not have (see the pipeline's catalog notes).
 */
export async function runDocinfo(event: unknown, deps: RunDocinfoDependencies): Promise<IngestState> {
  const state = parseIngestState(event);
  const { input } = state;
  const docinfo = await deps.scratch(async (directory) => {
    const source = path.join(directory, 'source.pdf');
    await deps.objects.download({ bucket: input.bucket, key: input.key }, source);
    const access = await openFileAccess(source);
    try {
      return await readDocInfo(await PdfDocument.open(access));
    } catch (error) {
      throw new MediaProcessingError(`${input.key} is not a readable PDF: ${errorText(error)}`);
    } finally {
      await access.close();
    }
  });
  await deps.records.update(state.uuid, { set: { docinfo } });
  return {
    ...state,
    data: { ...state.data, docinfo, transcode: { output: transcodePrefix(input.destination.prefix) } },
  };
}

async function readDocInfo(document: PdfDocument): Promise<DocInfo> {
  const info = await document.info();
  const fields: Record<string, unknown> = {
    numPages: await document.numPages(),
    fingerprint: await document.fingerprint(),
    version: document.version,
    ...info,
    ...(document.encrypted ? { encrypted: true } : {}),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as DocInfo;
}
