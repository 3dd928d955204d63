import type { DataplaneConfig } from '../config';
import { documentClient, s3Client } from './clients';
import { DynamoDbAssetStore } from './dynamodb-assets';
import { DynamoDbLockStore } from './dynamodb-locks';
import { S3MediaUrls } from './s3-media-urls';
import { S3MetadataObjects } from './s3-metadata-objects';

/** The data plane's storage, on the module-scope SDK clients. */
export function createDataplaneStorage(config: DataplaneConfig) {
  return {
    assets: new DynamoDbAssetStore(documentClient, config.tableName),
    locks: new DynamoDbLockStore(documentClient, config.lockTableName),
    objects: new S3MetadataObjects(s3Client, config.bucket),
    urls: new S3MediaUrls(s3Client),
  };
}
