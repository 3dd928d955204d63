import * as path from 'node:path';
import type { SearchEntry } from '../../../search/document';
import { TextAnalysisTypes } from '../../domain/ai-options';
import { AnalysisError, errorText } from '../../domain/errors';
import { analysisMetadataKey } from '../../domain/layout';
import { StateStatus } from '../../domain/statuses';
import type { Analyzer, AnalyzerOutcome } from '../analyzer';

const ID = TextAnalysisTypes.PageText;

export interface PageText {
  /** Zero-based, as the original's Textract entries count pages. */
  readonly page: number;
  readonly text: string;
}

/**
 * The text of every page of a PDF (what its content streams draw, decoded through the fonts by pdf.js), kept in
 * `metadata/pagetext/pagetext.json` and indexed as one `pagetext` search entry per page with its `page`. Scanned
 * pages (images only) have no text: that needs OCR (Textract, not available here).
 */
export const pageTextAnalyzer: Analyzer = {
  id: ID,
  service: 'none',
  options: [ID],
  mediaTypes: ['document'],
  available: true,
  category: () => 'document',
  async run({ asset }, deps): Promise<AnalyzerOutcome> {
    const startTime = deps.now();
    const pages = await deps.scratch(async (directory) => {
      const file = path.join(directory, 'source.pdf');
      await deps.objects.download({ bucket: asset.bucket, key: asset.key }, file);
      try {
        return (await deps.pdfReader.pageTexts(file)).map((text, page): PageText => ({ page, text }));
      } catch (error) {
        throw new AnalysisError(`cannot read the text of ${asset.key}: ${errorText(error)}`);
      }
    });
    const withText = pages.filter((page) => page.text.length > 0);
    const entries: SearchEntry[] = withText.map((page) => ({ name: page.text.replace(/\s+/g, ' '), page: page.page }));
    await deps.search.update(asset.uuid, { pagetext: entries });
    if (withText.length === 0) {
      return { status: StateStatus.NoData, output: { numPages: pages.length, startTime, endTime: deps.now() } };
    }
    const metadata = analysisMetadataKey(asset.destination.prefix, ID);
    await deps.objects.putText(
      { bucket: asset.destination.bucket, key: metadata },
      JSON.stringify(pages, null, 2),
      'application/json',
    );
    return {
      status: StateStatus.Completed,
      output: { metadata, numPages: pages.length, pagesWithText: withText.length, startTime, endTime: deps.now() },
      indexed: ['pagetext'],
    };
  },
};
