import type { DocInfo } from '../../domain/records';
import type { PdfReader } from '../../ports';
import { withPdfDocument, type PdfDocumentProxy } from './pdfjs';

/** The Info dictionary entries kept in `docinfo`, by their `docinfo` names. */
const INFO_FIELDS = {
  title: 'Title',
  author: 'Author',
  subject: 'Subject',
  keywords: 'Keywords',
  creator: 'Creator',
  producer: 'Producer',
} as const;

/** What pdf.js reads into a page's text content: runs of text, and marked-content markers (which have no `str`). */
type TextContentItem = { readonly str?: string; readonly hasEOL?: boolean };

/** PDF metadata and page text with pdf.js (the library the original's document ingest uses). */
export function pdfReader(): PdfReader {
  return {
    docinfo: (pdfFile) => withPdfDocument(pdfFile, readDocInfo),
    pageTexts: (pdfFile) =>
      withPdfDocument(pdfFile, async (document) => {
        const texts: string[] = [];
        for (let number = 1; number <= document.numPages; number += 1) {
          // A page whose content cannot be read has no text; the other pages still do.
          texts.push(await readPageText(document, number).catch(() => ''));
        }
        return texts;
      }),
  };
}

async function readDocInfo(document: PdfDocumentProxy): Promise<DocInfo> {
  const info = (await document.getMetadata()).info as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() || undefined : undefined);
  const fields: Record<string, unknown> = {
    numPages: document.numPages,
    // The hex of the trailer's first `/ID`, or the MD5 of the first 1024 bytes when it has none.
    fingerprint: document.fingerprints[0],
    version: text(info.PDFFormatVersion),
    ...Object.fromEntries(Object.entries(INFO_FIELDS).map(([field, key]) => [field, text(info[key])])),
    ...(info.EncryptFilterName ? { encrypted: true } : {}),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as DocInfo;
}

/**
 * A page's text in reading order, as pdf.js assembles it (spaces where glyphs leave a gap, a line end where the
 * text moves to a new line): runs of white space made one space, lines trimmed, blank lines dropped.
 */
async function readPageText(document: PdfDocumentProxy, number: number): Promise<string> {
  const page = await document.getPage(number);
  try {
    const content = await page.getTextContent();
    const lines = [''];
    for (const item of content.items as TextContentItem[]) {
      if (item.str === undefined) continue;
      lines[lines.length - 1] += item.str;
      if (item.hasEOL) lines.push('');
    }
    return lines
      .map((line) => line.replace(/\s+/g, ' ').trim())
      .filter((line) => line.length > 0)
      .join('\n');
  } finally {
    page.cleanup();
  }
}
