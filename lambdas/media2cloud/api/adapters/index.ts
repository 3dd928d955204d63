import type { Media2CloudApiConfig } from '../config';
import type { Media2CloudPorts } from '../domain/ports';
import {
  bedrockRuntimeClient,
  cognitoClient,
  iotClient,
  lambdaClient,
  rekognitionClient,
  s3Client,
  searchSigningIdentity,
  sfnClient,
} from '../../clients';
import { documentClient } from '../../tables/document-client';
import { AnalysisTable } from '../../tables/analysis';
import { IngestTable } from '../../tables/ingest';
import { FaceIndexerTable } from '../../tables/face-indexer';
import { RekognitionFaces } from './rekognition-faces';
import { S3FaceImages } from './s3-face-images';
import { ServiceCustomizationCatalog } from './ai-customizations';
import { LambdaAssetRemoval } from './lambda-asset-removal';
import { OpenSearchSearch } from './opensearch-search';
import { S3SourceObjects } from './s3-source-objects';
import { SfnStateMachines } from './sfn-state-machines';
import { BedrockModels } from './bedrock-models';
import { CognitoUsers } from './cognito-users';
import { IotStatusPush } from './iot-status-push';
import { RekognitionCollections } from './rekognition-collections';
import { S3AiOptionsSettings } from './s3-ai-options-settings';
import { SfnExecutions } from './sfn-executions';
import { winkTokenize } from './wink-tokenizer';

/** Everything the API talks to, on the module-scope SDK clients. */
export function createMedia2CloudPorts(config: Media2CloudApiConfig): Media2CloudPorts {
  const search = new OpenSearchSearch({ endpoint: config.searchEndpoint, identity: searchSigningIdentity });
  return {
    ingest: new IngestTable(documentClient, config.ingestTableName),
    analysis: new AnalysisTable(documentClient, config.analysisTableName),
    objects: new S3SourceObjects(s3Client),
    stateMachines: new SfnStateMachines(sfnClient),
    removal: new LambdaAssetRemoval(lambdaClient, config.removalFunctionArn),
    search,
    executions: new SfnExecutions(sfnClient),
    aiOptionsSettings: new S3AiOptionsSettings(s3Client, config.proxyBucket),
    users: new CognitoUsers(cognitoClient, config.userPoolId),
    faceCollections: new RekognitionCollections(rekognitionClient),
    statusPush: new IotStatusPush(iotClient, config.iotPolicyName),
    languageModels: new BedrockModels(bedrockRuntimeClient, config.bedrockModelId),
    tokenizer: winkTokenize,
    customizations: new ServiceCustomizationCatalog(),
    faces: new FaceIndexerTable(documentClient, config.faceIndexerTableName),
    collectionFaces: new RekognitionFaces(rekognitionClient),
    faceImages: new S3FaceImages(s3Client, config.proxyBucket),
    retagging: search,
    nameCounts: search,
  };
}
