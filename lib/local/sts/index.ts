export { stsModule, type StsService } from './module';
export { LocalSts, StsError, type AssumeRoleInput, type RoleDefinition } from './service';
