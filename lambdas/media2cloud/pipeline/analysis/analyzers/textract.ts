import * as path from 'node:path';
import type { SearchEntry } from '../../../search/document';
import { AnalysisTypes } from '../../domain/ai-options';
import { analysisRawPrefix } from '../../domain/layout';
import { StateStatus } from '../../domain/statuses';
import type { Analyzer, AnalyzerOutcome } from '../analyzer';
import { putJson } from './ai-support';

const ID = AnalysisTypes.Textract;
const PAGE_IMAGE = /\/(\d{8})\.png$/;

/**
 * Textract text detection page by page, on the page images ingest renders (`transcode/proxy/<8 digits>.png`), so
 * scanned pages read as well as typeset ones: each page's blocks in `raw/<ts>/textract/<8 digits>.json`, the lines
 * of every page in `metadata/textract/output.json`, and a `textract` search entry per line with its zero-based page.
 */
export const textractAnalyzer: Analyzer = {
  id: ID,
  service: 'textract',
  options: [ID],
  mediaTypes: ['document'],
  available: true,
  category: () => 'document',
  async run({ asset, requestTime }, deps): Promise<AnalyzerOutcome> {
    const startTime = deps.now();
    const { bucket, prefix } = asset.destination;
    const pages = (asset.proxies ?? [])
      .filter((proxy) => PAGE_IMAGE.test(proxy.key))
      .map((proxy) => proxy.key)
      .sort();
    const inputs =
      pages.length > 0 ? pages.map((key) => ({ bucket, key })) : [{ bucket: asset.bucket, key: asset.key }];
    const raw = analysisRawPrefix(prefix, requestTime, ID);
    const lines: { page: number; text: string; confidence?: number }[] = [];
    for (const [page, input] of inputs.entries()) {
      const text = await deps.ai.documents.detectText(input);
      await putJson(deps, bucket, `${raw}${String(page).padStart(8, '0')}.json`, text);
      for (const block of text.blocks) {
        if (block.type === 'LINE' && block.text) {
          lines.push({
            page,
            text: block.text,
            ...(block.confidence !== undefined ? { confidence: block.confidence } : {}),
          });
        }
      }
    }
    const entries: SearchEntry[] = lines.map((line) => ({ name: line.text, page: line.page }));
    await deps.search.update(asset.uuid, { textract: entries });
    if (lines.length === 0) {
      return {
        status: StateStatus.NoData,
        output: { output: raw, numOutputs: inputs.length, startTime, endTime: deps.now() },
      };
    }
    const metadata = path.posix.join(prefix, 'metadata', ID, 'output.json');
    await putJson(deps, bucket, metadata, lines);
    return {
      status: StateStatus.Completed,
      output: {
        output: raw,
        metadata,
        apiCount: inputs.length,
        numOutputs: inputs.length,
        startTime,
        endTime: deps.now(),
      },
      indexed: ['textract'],
    };
  },
};
