import { createHash, type Hash } from 'node:crypto';
import { Crc32 } from '@aws-crypto/crc32';
import { Crc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';

/** The additional checksums S3 computes and verifies (its `ChecksumAlgorithm` values). */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** How an object's checksum covers it: the whole object, or (multipart) a checksum of the parts' checksums. */
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

/** The checksum S3 computes for an object uploaded without one. */
export const DEFAULT_CHECKSUM_ALGORITHM: ChecksumAlgorithm = 'CRC64NVME';

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

/** Metadata key (and response header) that holds an object's checksum of one algorithm: `x-amz-checksum-crc32`. */
export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** Metadata key (and response header) for the object's checksum type. */
export const CHECKSUM_TYPE_HEADER = 'x-amz-checksum-type';

/** Every metadata key an object's checksum may be kept under. */
export const CHECKSUM_METADATA_KEYS: readonly string[] = [
  ...CHECKSUM_ALGORITHMS.map(checksumHeader),
  CHECKSUM_TYPE_HEADER,
];

/** The algorithm named (in any case) by `name`, `undefined` for one S3 does not know. */
export function checksumAlgorithm(name: string | undefined): ChecksumAlgorithm | undefined {
  const upper = name?.trim().toUpperCase();
  return CHECKSUM_ALGORITHMS.find((algorithm) => algorithm === upper);
}

/** The algorithm of a header named `x-amz-checksum-<algorithm>`, `undefined` for any other header. */
export function algorithmOfHeader(header: string): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find((algorithm) => checksumHeader(algorithm) === header.toLowerCase());
}

/** Whether `value` is the base64 of a digest of the algorithm's length, as S3 checks before comparing. */
export function isWellFormedChecksum(algorithm: ChecksumAlgorithm, value: string): boolean {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return false;
  return Buffer.from(value, 'base64').length === DIGEST_BYTES[algorithm];
}

/** An incremental checksum of one algorithm. */
export interface Checksummer {
  update(data: Buffer): void;
  /** The raw digest; call once. */
  digest(): Promise<Buffer>;
}

class HashChecksummer implements Checksummer {
  private readonly hash: Hash;
  constructor(name: string) {
    this.hash = createHash(name);
  }
  update(data: Buffer): void {
    this.hash.update(data);
  }
  async digest(): Promise<Buffer> {
    return this.hash.digest();
  }
}

/** CRC-32 and CRC-32C as S3 sends them: the 32-bit value, big-endian. */
class Crc32Checksummer implements Checksummer {
  constructor(private readonly crc: Crc32 | Crc32c) {}
  update(data: Buffer): void {
    this.crc.update(data);
  }
  async digest(): Promise<Buffer> {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.crc.digest() >>> 0);
    return out;
  }
}

class Crc64Checksummer implements Checksummer {
  private readonly crc = new Crc64Nvme();
  update(data: Buffer): void {
    this.crc.update(data);
  }
  async digest(): Promise<Buffer> {
    return Buffer.from(await this.crc.digest());
  }
}

export function createChecksummer(algorithm: ChecksumAlgorithm): Checksummer {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32Checksummer(new Crc32());
    case 'CRC32C':
      return new Crc32Checksummer(new Crc32c());
    case 'CRC64NVME':
      return new Crc64Checksummer();
    case 'SHA1':
      return new HashChecksummer('sha1');
    case 'SHA256':
      return new HashChecksummer('sha256');
  }
}

/** The base64 checksum of `data`. */
export async function checksumOf(algorithm: ChecksumAlgorithm, data: Buffer): Promise<string> {
  const checksummer = createChecksummer(algorithm);
  checksummer.update(data);
  return (await checksummer.digest()).toString('base64');
}

/**
 * A multipart object's COMPOSITE checksum: the checksum of the parts' raw checksums laid end to end, then `-` and
 * the number of parts, as S3 reports it.
 */
export async function compositeChecksum(
  algorithm: ChecksumAlgorithm,
  partChecksums: readonly string[],
): Promise<string> {
  const joined = Buffer.concat(partChecksums.map((checksum) => Buffer.from(checksum, 'base64')));
  return `${await checksumOf(algorithm, joined)}-${partChecksums.length}`;
}

/** Which checksum types an algorithm allows for a multipart upload, the first being S3's default. */
export function checksumTypesOf(algorithm: ChecksumAlgorithm): readonly ChecksumType[] {
  if (algorithm === 'CRC64NVME') return ['FULL_OBJECT'];
  if (algorithm === 'SHA1' || algorithm === 'SHA256') return ['COMPOSITE'];
  return ['COMPOSITE', 'FULL_OBJECT'];
}
