import { backendLogger } from '../shared/logging';

/** Pixop's functions log through one Powertools logger; secrets, keys and passwords are never given to it. */
export const logger = backendLogger('pixop');
