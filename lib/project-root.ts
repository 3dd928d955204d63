import * as path from 'node:path';

/**
 * The repository root, so entries resolve the same wherever `cdk` or local mode is started from. A module of its own:
 * local mode and tests need the path without loading aws-cdk-lib.
 */
export const PROJECT_ROOT = path.resolve(__dirname, '..');
