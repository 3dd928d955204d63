export { handleStsRequest } from './protocol';
export { startStsServer, type LocalStsServer } from './server';
export { LocalSts, StsError, type AssumeRoleInput, type RoleDefinition } from './service';
