import { backendLogger } from '../../shared/logging';

/** The one logger of the Media2Cloud functions. */
export const logger = backendLogger('media2cloud');
