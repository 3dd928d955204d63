export { mediaPackageModule, type MediaPackageService } from './module';
export { LivePackager } from './packaging';
export { handleMediaPackageApi, signedRegion } from './protocol';
export { LocalMediaPackage, MediaPackageError, type FaultRule } from './service';
