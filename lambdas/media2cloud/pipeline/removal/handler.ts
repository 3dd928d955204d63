import { awsDependencies } from '../adapters';
import { removeAsset } from './remove-asset';

const deps = awsDependencies();

/** Invoked asynchronously by DELETE /assets/{uuid} with `{uuid}`. */
export const handler = (event: unknown) => removeAsset(event, deps);
