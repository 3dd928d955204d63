import { backendLogger } from '../../shared/logging';

/** The one logger of the Media Insights functions. */
export const logger = backendLogger('media-insights');
