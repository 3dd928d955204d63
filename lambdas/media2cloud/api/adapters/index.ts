import type { Media2CloudApiConfig } from '../config';
import type { Media2CloudPorts } from '../domain/ports';
import { lambdaClient, s3Client, searchSigningIdentity, sfnClient } from '../../clients';
import { documentClient } from '../../tables/document-client';
import { AnalysisTable } from '../../tables/analysis';
import { IngestTable } from '../../tables/ingest';
import { ServiceCustomizationCatalog } from './ai-customizations';
import { LambdaAssetRemoval } from './lambda-asset-removal';
import { OpenSearchSearch } from './opensearch-search';
import { S3SourceObjects } from './s3-source-objects';
import { SfnStateMachines } from './sfn-state-machines';

/** Everything the API talks to, on the module-scope SDK clients. */
export function createMedia2CloudPorts(config: Media2CloudApiConfig): Media2CloudPorts {
  return {
    ingest: new IngestTable(documentClient, config.ingestTableName),
    analysis: new AnalysisTable(documentClient, config.analysisTableName),
    objects: new S3SourceObjects(s3Client),
    stateMachines: new SfnStateMachines(sfnClient),
    removal: new LambdaAssetRemoval(lambdaClient, config.removalFunctionArn),
    search: new OpenSearchSearch({ endpoint: config.searchEndpoint, identity: searchSigningIdentity }),
    customizations: new ServiceCustomizationCatalog(),
  };
}
