/** The document formats Textract reads, told apart by their first bytes as the service does (not by name). */
export type DocumentFormat = 'png' | 'jpeg' | 'pdf' | 'tiff';

export function sniffDocumentFormat(bytes: Uint8Array): DocumentFormat | undefined {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  // A PDF may have bytes before its header; readers look for it in the first kilobyte.
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'pdf';
  return undefined;
}

/** Textract's quotas (the service's documented limits). */
export const TEXTRACT_LIMITS = {
  /** Synchronous operations: bytes or an S3 object of at most 10 MB, one page. */
  syncMaxBytes: 10 * 1024 * 1024,
  /** Asynchronous operations: an image of at most 10 MB, a PDF or TIFF of at most 500 MB and 3,000 pages. */
  asyncImageMaxBytes: 10 * 1024 * 1024,
  asyncDocumentMaxBytes: 500 * 1024 * 1024,
  asyncMaxPages: 3000,
  /** Images (and rendered pages) are at most 10,000 pixels on a side. */
  maxPixels: 10_000,
} as const;

/** Why a document cannot be read: the exception Textract answers with, and its message. */
export class DocumentError extends Error {
  constructor(
    readonly code: 'UnsupportedDocumentException' | 'BadDocumentException' | 'DocumentTooLargeException',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** The messages Textract uses for these failures. */
export const DOCUMENT_MESSAGES = {
  unsupported: 'Request has unsupported document format',
  bad: 'Request has invalid document',
} as const;
