import * as path from 'node:path';
import { logger } from '../../shared/logger';
import type { OperatorObject } from '../../workflow/domain/types';
import type { DataplanePort } from '../shared/dataplane';
import {
  complete,
  errorText,
  executing,
  failure,
  inputMedia,
  parseOperatorEvent,
  withStatus,
} from '../shared/operator';
import {
  InvalidPageTokenError,
  serviceErrorCode,
  type RekognitionVision,
  type VideoAnalysisPage,
} from '../../../shared/ai/rekognition';
import { IMAGE_EXTENSIONS, rekognitionOperation, VIDEO_EXTENSIONS, type RekognitionOperation } from './operations';

/** What the operators ask of Rekognition: the adapter's raw-answer methods. */
export type RekognitionPort = Pick<
  RekognitionVision,
  'startVideoAnalysis' | 'getVideoAnalysisPage' | 'imageAnalysisResponse' | 'describeCollection'
>;

export interface RekognitionDependencies {
  readonly rekognition: RekognitionPort;
  readonly dataplane: DataplanePort;
}

/** The original's texts. */
export const Messages = {
  noValidInputs: 'No valid inputs',
  noCollection: 'Collection Id is not defined',
  notValidFileType: 'Not a valid file type',
  imageUploadFailed: (assetId: string) => `Unable to upload metadata for asset: ${assetId}`,
  pageUploadFailed: (assetId: string, error: string) => `Unable to upload metadata for ${assetId}: ${error}`,
  missingKey: (key: string) => `Missing key '${key}'`,
  missingMetadataKey: (key: string) => `Missing a required metadata key '${key}'`,
  unknownStatus: 'Unable to determine status',
  /** ours: the service always gives a reason. */
  jobFailed: (jobId: string) => `Rekognition job ${jobId} failed`,
  notRekognition: (name: string) => `Operator ${name} is not a Rekognition operator`,
};

/** Pages the monitor stores per invocation before it hands over with a `PageToken`, as the original. */
export const PAGES_PER_INVOCATION = 11;

/**
 * A failed call as the original's SDK (botocore) words it — `An error occurred (Code) when calling the Operation
 * operation: message` — so messages read the same; other errors as they are.
 */
export function serviceErrorText(error: unknown, operation: string): string {
  const code = serviceErrorCode(error);
  return code
    ? `An error occurred (${code}) when calling the ${operation} operation: ${errorText(error)}`
    : errorText(error);
}

function operationOf(operator: OperatorObject): RekognitionOperation {
  const operation = rekognitionOperation(operator.Name);
  if (!operation) throw failure(operator, `${operator.Name}Error`, Messages.notRekognition(operator.Name));
  return operation;
}

/**
 * Start of every Rekognition operator (the original's `start_rekognition` and `start_face_search`). The input is
 * the first of `ProxyEncode`, `Video` and (for operators that read images) `Image`; its extension decides: an image
 * is analysed at once and its answer stored in the data plane (`Complete`), a video starts a Rekognition Video job
 * (`Executing`, with its `JobId`) for the monitor to collect.
 */
export async function runRekognitionStart(event: unknown, deps: RekognitionDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const operation = operationOf(operator);
  const fail = (message: string) => failure(operator, operation.errorKey, message);

  const located = inputMedia(operator, operation.image ? ['ProxyEncode', 'Video', 'Image'] : ['ProxyEncode', 'Video']);
  if ('missing' in located) throw fail(Messages.noValidInputs);
  let collectionId: string | undefined;
  if (operation.needsCollection) {
    if (!Object.hasOwn(operator.Configuration, 'CollectionId')) throw fail(Messages.noCollection);
    collectionId = String(operator.Configuration['CollectionId'] ?? '');
  }
  const { S3Bucket: bucket, S3Key: key } = located.media;
  const extension = path.posix.extname(key).toLowerCase();
  const ids = { AssetId: operator.AssetId, WorkflowExecutionId: operator.WorkflowExecutionId };

  if (operation.image && IMAGE_EXTENSIONS.has(extension)) {
    if (operation.image === 'notImplemented') {
      return complete(operator, { metaData: { WorkflowExecutionId: operator.WorkflowExecutionId } });
    }
    let response: Record<string, unknown>;
    try {
      response = await deps.rekognition.imageAnalysisResponse(
        operation.image.kind,
        { bucket, key },
        collectionId === undefined ? {} : { collectionId },
      );
    } catch (error) {
      throw fail(serviceErrorText(error, operation.image.operation));
    }
    const described = withStatus(operator, operator.Status, { metaData: ids });
    try {
      await deps.dataplane.storeAssetMetadata({
        assetId: operator.AssetId,
        operatorName: operation.name,
        workflowId: operator.WorkflowExecutionId,
        results: response,
      });
    } catch (error) {
      logger.error('Storing the operator metadata failed', {
        operator: operator.Name,
        assetId: operator.AssetId,
        error,
      });
      throw failure(described, operation.errorKey, Messages.imageUploadFailed(operator.AssetId));
    }
    return complete(described);
  }

  if (!VIDEO_EXTENSIONS.has(extension)) throw fail(Messages.notValidFileType);
  let jobId: string;
  let calling = operation.video.start;
  try {
    if (collectionId !== undefined) {
      // As the original: a missing collection fails here, not later in the job.
      calling = 'DescribeCollection';
      await deps.rekognition.describeCollection(collectionId);
      calling = operation.video.start;
    }
    jobId = await deps.rekognition.startVideoAnalysis(
      operation.video.kind,
      { bucket, key },
      { ...operation.video.options, ...(collectionId === undefined ? {} : { collectionId }) },
    );
  } catch (error) {
    throw fail(serviceErrorText(error, calling));
  }
  return executing(operator, { metaData: { JobId: jobId, ...ids } });
}

/**
 * Monitor of every Rekognition video operator (the original's `check_rekognition_status`): while the job runs,
 * `Executing`; once it succeeded, each `Get*` page goes to the data plane as the service answered it — one store
 * when the job has one page, a paginated list (`?paginated=true`, the last with `&end=true`) when it has more — and
 * after 11 pages in one invocation the monitor hands over with `PageToken` in its metadata.
 */
export async function runRekognitionCheck(event: unknown, deps: RekognitionDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const operation = operationOf(operator);
  const metadata = operator.MetaData;
  const fail = (message: string, extra: Record<string, unknown> = {}) =>
    failure(withStatus(operator, operator.Status, { metaData: extra }), operation.errorKey, message);

  const assetId = metadata['AssetId'];
  if (typeof assetId !== 'string') throw fail(Messages.missingKey('AssetId'));
  // Images were analysed by the start function.
  if (operator.Status === 'Complete') return complete(operator);
  const jobId = metadata['JobId'];
  if (typeof jobId !== 'string') throw fail(Messages.missingMetadataKey('JobId'));
  const workflowId = metadata['WorkflowExecutionId'];
  if (typeof workflowId !== 'string') throw fail(Messages.missingMetadataKey('WorkflowExecutionId'));

  let token = typeof metadata['PageToken'] === 'string' ? metadata['PageToken'] : '';
  let paginated = Object.hasOwn(metadata, 'PageToken');
  for (let read = 0; read < PAGES_PER_INVOCATION; read += 1) {
    let page: VideoAnalysisPage;
    try {
      page = await deps.rekognition.getVideoAnalysisPage(operation.video.kind, jobId, { nextToken: token });
    } catch (error) {
      if (error instanceof InvalidPageTokenError) {
        // As the original: an expired token starts the reading over from the first page.
        logger.warn('Invalid pagination token; reading again from the first page', { jobId, error });
        token = '';
        continue;
      }
      throw fail(serviceErrorText(error, operation.video.get), { JobId: jobId });
    }

    if (page.status === 'IN_PROGRESS') {
      return executing(operator, { metaData: { JobId: jobId, AssetId: assetId, WorkflowExecutionId: workflowId } });
    }
    if (page.status === 'FAILED') throw fail(page.statusMessage ?? Messages.jobFailed(jobId), { JobId: jobId });
    if (page.status !== 'SUCCEEDED') throw fail(Messages.unknownStatus);

    const hasNext = page.nextToken !== undefined;
    const end = paginated && !hasNext;
    paginated ||= hasNext;
    try {
      await deps.dataplane.storeAssetMetadata(
        { assetId, operatorName: operation.name, workflowId, results: page.response },
        paginated ? { end } : undefined,
      );
    } catch (error) {
      throw fail(Messages.pageUploadFailed(assetId, errorText(error)), { JobId: jobId });
    }
    token = page.nextToken ?? '';
    if (!hasNext) {
      const { PageToken: _, ...rest } = metadata;
      return complete({ ...operator, MetaData: rest }, { metaData: { JobId: jobId } });
    }
  }
  return executing(operator, {
    metaData: { PageToken: token, JobId: jobId, AssetId: assetId, WorkflowExecutionId: workflowId },
  });
}
