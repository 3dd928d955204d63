import { createHash } from 'node:crypto';
import { ChecksumMismatchError, IngestError } from '../domain/errors';
import type { ObjectLocation } from '../domain/records';
import { parseIngestState, type ChecksumResult, type IngestState } from '../domain/state';
import type { ObjectHead, PipelineDependencies } from '../ports';

const MD5_HEX = /^[0-9a-fA-F]{32}$/;
const SINGLE_PART_ETAG = /^"?([0-9a-fA-F]{32})"?$/;

export type FixityDependencies = Pick<PipelineDependencies, 'records' | 'objects' | 'now'>;

/**
 * `Fixity`: the MD5 of the upload, streamed through the hash, compared with the MD5 the request expects, else the
 * one the uploader declared in `x-amz-meta-md5`, else a single-part ETag (which S3 computes as the MD5 unless the object is
 * KMS-encrypted). A mismatch fails the ingest.
 */
export async function runFixity(event: unknown, deps: FixityDependencies): Promise<IngestState> {
  const state = parseIngestState(event);
  const source: ObjectLocation = { bucket: state.input.bucket, key: state.input.key };
  const head = await deps.objects.head(source);
  if (!head) throw new IngestError(`s3://${source.bucket}/${source.key} does not exist`);

  const startTime = deps.now();
  const hash = createHash('md5');
  let fileSize = 0;
  for await (const chunk of deps.objects.stream(source)) {
    hash.update(chunk);
    fileSize += chunk.length;
  }
  const computed = hash.digest('hex');

  const reference = referenceChecksum(state.input.md5, head);
  if (reference && reference.value !== computed) {
    throw new ChecksumMismatchError(
      `MD5 ${computed} of s3://${source.bucket}/${source.key} does not match its ${reference.label} ${reference.value}`,
    );
  }
  const checksum: ChecksumResult = {
    algorithm: 'md5',
    computed,
    ...(reference ? { expected: reference.value } : {}),
    comparedWith: reference?.comparedWith ?? 'none',
    comparedResult: reference ? 'MATCHED' : 'SKIPPED',
    fileSize,
    startTime,
    endTime: deps.now(),
  };
  await deps.records.update(state.uuid, { set: { md5: computed } });
  return { ...state, data: { ...state.data, checksum } };
}

interface Reference {
  readonly value: string;
  readonly label: string;
  readonly comparedWith: ChecksumResult['comparedWith'];
}

function referenceChecksum(requested: string | undefined, head: ObjectHead): Reference | undefined {
  if (requested !== undefined && MD5_HEX.test(requested)) {
    return { value: requested.toLowerCase(), label: 'expected MD5', comparedWith: 'api' };
  }
  const declared = head.metadata.md5;
  if (declared !== undefined && MD5_HEX.test(declared)) {
    return { value: declared.toLowerCase(), label: 'x-amz-meta-md5', comparedWith: 'object-metadata' };
  }
  const encryption = head.serverSideEncryption?.toLowerCase();
  const etag = head.etag === undefined ? undefined : SINGLE_PART_ETAG.exec(head.etag);
  if (etag && (encryption === undefined || encryption === 'aes256')) {
    return { value: etag[1]!.toLowerCase(), label: 'ETag', comparedWith: 'object-etag' };
  }
  return undefined;
}
