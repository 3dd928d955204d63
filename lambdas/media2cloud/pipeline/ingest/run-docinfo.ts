import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { errorText, MediaProcessingError } from '../domain/errors';
import { transcodePrefix } from '../domain/layout';
import type { DocInfo } from '../domain/records';
import { parseIngestState, type IngestState } from '../domain/state';
import type { PipelineDependencies } from '../ports';

export type RunDocinfoDependencies = Pick<
  PipelineDependencies,
  'records' | 'objects' | 'scratch' | 'pdfPages' | 'pdfReader'
>;

/**
 * `Run docinfo`: the PDF's page count, fingerprint and Info entries to the record's `docinfo`, and every page as
 * `transcode/proxy/<8-digit page>.png`, as the original renders them. The PDF is streamed to `/tmp` first; a PDF
 * whose pages cannot be drawn fails with a message naming the page problem.
 */
export async function runDocinfo(event: unknown, deps: RunDocinfoDependencies): Promise<IngestState> {
  const state = parseIngestState(event);
  const { input } = state;
  const docinfo = await deps.scratch(async (directory) => {
    const source = path.join(directory, 'source.pdf');
    await deps.objects.download({ bucket: input.bucket, key: input.key }, source);
    let info: DocInfo;
    try {
      info = await deps.pdfReader.docinfo(source);
    } catch (error) {
      throw new MediaProcessingError(`${input.key} is not a readable PDF: ${errorText(error)}`);
    }
    const pagesDir = path.join(directory, 'pages');
    await mkdir(pagesDir);
    let pages: string[];
    try {
      pages = await deps.pdfPages.render(source, pagesDir);
    } catch (error) {
      throw new MediaProcessingError(`${input.key}: its pages cannot be rendered: ${errorText(error)}`);
    }
    const proxyPrefix = transcodePrefix(input.destination.prefix, 'proxy');
    for (const page of pages) {
      const key = `${proxyPrefix}${path.basename(page)}`;
      await deps.objects.uploadFile({ bucket: input.destination.bucket, key }, page, 'image/png');
    }
    return info;
  });
  await deps.records.update(state.uuid, { set: { docinfo } });
  return {
    ...state,
    data: { ...state.data, docinfo, transcode: { output: transcodePrefix(input.destination.prefix) } },
  };
}
