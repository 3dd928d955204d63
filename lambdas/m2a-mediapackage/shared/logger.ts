import { backendLogger } from '../../shared/logging';

/** The one logger of the M2A Mediapackage functions. */
export const logger = backendLogger('m2a-mediapackage');
