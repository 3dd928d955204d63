/**
 * One error type per failure kind. The name is what Step Functions sees as the task's `Error` (the Lambda runtime
 * reports it as `errorType`), so it is spelled out per class: minified bundles rename classes.
 */
export abstract class PipelineError extends Error {
  protected constructor(message: string, name: string) {
    super(message);
    this.name = name;
  }
}

/** The ingest request or the asset is not what ingest needs (missing fields, object gone, record gone). */
export class IngestError extends PipelineError {
  constructor(message: string) {
    super(message, 'IngestError');
  }
}

/** The asset is not a video, audio, image or document Media2Cloud handles. */
export class UnsupportedMediaError extends PipelineError {
  constructor(message: string) {
    super(message, 'UnsupportedMediaTypeError');
  }
}

/** The MD5 computed over the upload differs from the one the uploader declared. */
export class ChecksumMismatchError extends PipelineError {
  constructor(message: string) {
    super(message, 'ChecksumError');
  }
}

/** A media tool could not read or convert the asset: a corrupt file, or one in a format the tools do not know. */
export class MediaProcessingError extends PipelineError {
  constructor(message: string) {
    super(message, 'MediaProcessingError');
  }
}

/** The analysis request or the ingested asset is not what analysis needs. */
export class AnalysisError extends PipelineError {
  constructor(message: string) {
    super(message, 'AnalysisError');
  }
}

/** The asset's ingest record is gone, typically because the asset was removed while it was being processed. */
export class RecordNotFoundError extends PipelineError {
  constructor(uuid: string) {
    super(`asset ${uuid} has no ingest record (it may have been removed)`, 'RecordNotFoundError');
  }
}

/** The search index has no document for the asset (OpenSearch `document_missing_exception`). */
export class SearchDocumentMissingError extends PipelineError {
  constructor(uuid: string) {
    super(`search document ${uuid} not found`, 'SearchDocumentMissingError');
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
