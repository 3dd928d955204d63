import type { M2aApiConfig, M2aConfig } from '../config';
import type { M2aApiDependencies } from '../api/app';
import type { WorkerDependencies } from '../orchestration/ports';
import { lambdaClient, sfnClient, stsClient } from '../clients';
import { documentClient } from '../tables/document-client';
import { PackagersTable } from '../tables/packagers';
import { PermissionsTable } from '../tables/permissions';
import { TargetAccountsTable } from '../tables/target-accounts';
import { TemplatesTable } from '../tables/templates';
import { HttpCallbackSender } from './http-callbacks';
import { LambdaStateNotifications } from './lambda-notifications';
import { SfnOrchestration } from './sfn-orchestration';
import { StsMediaPackageAccess } from './sts-mediapackage';

type Ports<T> = Omit<T, 'now' | 'newId' | 'cloudEnv' | 'allowList' | 'log'>;

/** Everything the API talks to, on the module-scope SDK clients. */
export function createApiPorts(config: M2aApiConfig): Ports<M2aApiDependencies> {
  return {
    packagers: new PackagersTable(documentClient, config.packagersTableName),
    templates: new TemplatesTable(documentClient, config.templatesTableName),
    targetAccounts: new TargetAccountsTable(documentClient, config.targetAccountsTableName),
    grants: new PermissionsTable(documentClient, config.permissionsTableName, config.deployedGrants),
    orchestration: new SfnOrchestration(sfnClient, config.stateMachineArn),
    notifications: new LambdaStateNotifications(lambdaClient, config.workerFunctionArn),
  };
}

/** Everything the orchestration worker talks to. */
export function createWorkerPorts(config: M2aConfig): Ports<WorkerDependencies> {
  return {
    packagers: new PackagersTable(documentClient, config.packagersTableName),
    templates: new TemplatesTable(documentClient, config.templatesTableName),
    targetAccounts: new TargetAccountsTable(documentClient, config.targetAccountsTableName),
    mediapackage: new StsMediaPackageAccess(stsClient),
    // The region and credentials of the function's own role, from an SDK client's default provider chain.
    callbacks: new HttpCallbackSender({
      allowList: config.allowList,
      credentials: () => stsClient.config.credentials(),
      region: () => stsClient.config.region(),
    }),
  };
}
