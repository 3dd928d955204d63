export { LivePackager } from './packaging';
export { handleMediaPackageApi, signedRegion } from './protocol';
export { startMediaPackageServer, type LocalMediaPackageServer } from './server';
export { LocalMediaPackage, MediaPackageError, type FaultRule } from './service';
