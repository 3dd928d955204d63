import type { DataplaneConfig } from '../config';
import { s3Client } from '../../clients';
import { documentClient } from '../../tables/document-client';
import { AssetTable } from '../../tables/assets';
import { LockTable } from '../../tables/locks';
import { S3MediaUrls } from './s3-media-urls';
import { S3MetadataObjects } from './s3-metadata-objects';

/** The data plane's storage, on the module-scope SDK clients. */
export function createDataplaneStorage(config: DataplaneConfig) {
  return {
    assets: new AssetTable(documentClient, config.tableName),
    locks: new LockTable(documentClient, config.lockTableName),
    objects: new S3MetadataObjects(s3Client, config.bucket),
    urls: new S3MediaUrls(s3Client),
  };
}
