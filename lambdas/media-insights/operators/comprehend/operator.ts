import {
  jobOutputObject,
  jobOutputTexts,
  type AnalysisJob,
  type AnalysisJobKind,
  type ComprehendLanguage,
} from '../../../shared/ai/comprehend';
import type { ObjectText, RangedObjectReader } from '../../../shared/media/s3-objects';
import type { OperatorObject } from '../../workflow/domain/types';
import { mediaStoragePath, type DataplanePort } from '../shared/dataplane';
import {
  complete,
  errorText,
  executing,
  failure,
  inputMedia,
  parseOperatorEvent,
  serviceErrorText,
  withStatus,
} from '../shared/operator';

/** The original's only error key for both operators. */
export const COMPREHEND_ERROR = 'comprehend_error';
/** The job id the original records when the text is empty and no job runs. */
export const EMPTY_INPUT = 'Empty input --> empty output.';

/** What differs between ComprehendEntities and ComprehendKeyPhrases, as the original names it. */
interface ComprehendOperation {
  readonly kind: AnalysisJobKind;
  readonly jobIdKey: string;
  readonly outputUriKey: string;
  readonly outputFolder: string;
  /** The data plane name of the results: not the operator's. */
  readonly dataplaneName: string;
  readonly what: string;
  readonly start: string;
  readonly describe: string;
}

const OPERATIONS: Readonly<Record<string, ComprehendOperation>> = {
  ComprehendEntities: {
    kind: 'entities',
    jobIdKey: 'comprehend_entity_job_id',
    outputUriKey: 'entity_output_uri',
    outputFolder: 'comprehend_entities',
    dataplaneName: 'entities',
    what: 'entity data',
    start: 'StartEntitiesDetectionJob',
    describe: 'DescribeEntitiesDetectionJob',
  },
  ComprehendKeyPhrases: {
    kind: 'keyPhrases',
    jobIdKey: 'comprehend_phrases_job_id',
    outputUriKey: 'output_uri',
    outputFolder: 'comprehend_phrases',
    dataplaneName: 'key_phrases',
    what: 'key phrases data',
    start: 'StartKeyPhrasesDetectionJob',
    describe: 'DescribeKeyPhrasesDetectionJob',
  },
};

/** The original analyses English only. */
const LANGUAGE_CODE = 'en';

export interface ComprehendDependencies {
  readonly comprehend: Pick<ComprehendLanguage, 'startJob' | 'describeJob'>;
  readonly objects: ObjectText & RangedObjectReader;
  readonly dataplane: DataplanePort;
  /** The role Comprehend reads the text and writes its output with. */
  readonly role: string;
  readonly dataplaneBucket: string;
}

function operationOf(operator: OperatorObject): ComprehendOperation {
  const operation = OPERATIONS[operator.Name];
  if (!operation) throw failure(operator, COMPREHEND_ERROR, `Operator ${operator.Name} is not a Comprehend operator`);
  return operation;
}

/**
 * Start of `ComprehendEntities` and `ComprehendKeyPhrases` (the original's `start_entity_detection`,
 * `start_key_phrases`): the text of `Input.Media.Text` — a TranscribeVideo result (`.json`) is followed to its
 * `TextTranscriptUri` — goes to an English analysis job writing under the execution's folder; `Executing` with the
 * job's id, or `Complete` at once for empty text. The original records the job's name (the execution id) and finds
 * the job by name; the id the service gave is kept here and the job described by it.
 */
export async function runComprehendStart(event: unknown, deps: ComprehendDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const operation = operationOf(operator);
  const located = inputMedia(operator, ['Text']);
  if ('missing' in located) throw failure(operator, COMPREHEND_ERROR, 'No valid inputs');
  let text = { bucket: located.media.S3Bucket, key: located.media.S3Key };
  let size: number;
  try {
    if (text.key.split('.').pop() === 'json') {
      const stored = JSON.parse(await deps.objects.readText(text)) as { TextTranscriptUri?: Record<string, string> };
      const uri = stored.TextTranscriptUri;
      if (!uri) throw new Error('JSON can only be passed in from AWS transcribe');
      text = { bucket: uri['S3Bucket'] ?? '', key: uri['S3Key'] ?? '' };
    }
    size = await deps.objects.size(text);
  } catch (error) {
    throw failure(operator, COMPREHEND_ERROR, errorText(error));
  }
  if (size < 1) return complete(operator, { metaData: { [operation.jobIdKey]: EMPTY_INPUT } });

  const folder = mediaStoragePath(deps.dataplaneBucket, operator.AssetId, operator.WorkflowExecutionId);
  const outputUri = `s3://${folder.bucket}/${folder.key}${operation.outputFolder}`;
  let job: AnalysisJob;
  try {
    job = await deps.comprehend.startJob(operation.kind, {
      input: `s3://${text.bucket}/${text.key}`,
      output: outputUri,
      dataAccessRoleArn: deps.role,
      languageCode: LANGUAGE_CODE,
      jobName: operator.WorkflowExecutionId,
    });
  } catch (error) {
    throw failure(
      operator,
      COMPREHEND_ERROR,
      `Unable to get response from comprehend: ${serviceErrorText(error, operation.start)}`,
    );
  }
  return executing(operator, { metaData: { [operation.jobIdKey]: job.jobId, [operation.outputUriKey]: outputUri } });
}

/**
 * Monitor of both (the original's `get_entity_detection`, `get_key_phrases`): once the job completed, every file of
 * its `output.tar.gz` as text, with the language, is stored in the data plane as `entities` or `key_phrases`:
 * `{"LanguageCode": "en", "Results": ["<JSON lines>"]}`.
 */
export async function runComprehendCheck(event: unknown, deps: ComprehendDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const operation = operationOf(operator);
  const jobId = operator.MetaData[operation.jobIdKey];
  if (typeof jobId !== 'string') throw failure(operator, COMPREHEND_ERROR, 'No valid job id');
  if (jobId === EMPTY_INPUT) return complete(operator);
  const withJob = withStatus(operator, operator.Status, { metaData: { [operation.jobIdKey]: jobId } });

  let job: AnalysisJob;
  try {
    job = await deps.comprehend.describeJob(operation.kind, jobId);
  } catch (error) {
    throw failure(
      operator,
      COMPREHEND_ERROR,
      `Unable to get response from comprehend: ${serviceErrorText(error, operation.describe)}`,
    );
  }
  if (job.status === 'SUBMITTED' || job.status === 'IN_PROGRESS') {
    return executing(operator, { metaData: { [operation.jobIdKey]: jobId } });
  }
  if (job.status !== 'COMPLETED') {
    throw failure(withJob, COMPREHEND_ERROR, `comprehend returned as failed: ${job.message ?? job.status}`);
  }

  const archive = jobOutputObject(job.outputUri ?? '');
  let results: string[];
  try {
    if (!archive) throw new Error(`no output location for job ${jobId}`);
    results = await jobOutputTexts(await deps.objects.readRange(archive, 0, await deps.objects.size(archive)));
  } catch (error) {
    throw failure(withJob, COMPREHEND_ERROR, `could not retrieve output from s3: ${errorText(error)}`);
  }
  try {
    await deps.dataplane.storeAssetMetadata({
      assetId: operator.AssetId,
      operatorName: operation.dataplaneName,
      workflowId: operator.WorkflowExecutionId,
      results: { LanguageCode: LANGUAGE_CODE, Results: results },
    });
  } catch (error) {
    throw failure(operator, COMPREHEND_ERROR, `Unable to store ${operation.what} ${errorText(error)}`);
  }
  return complete(operator, { metaData: { [operation.jobIdKey]: jobId, output_uri: job.outputUri ?? '' } });
}
