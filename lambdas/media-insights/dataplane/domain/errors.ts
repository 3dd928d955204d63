import { HttpError } from '../../../shared/http';

/**
 * chalice's catch-all view error. The original raises it for anything it cannot serve; we keep it only for failures
 * that are ours (stored data we cannot read back), so a client never sees it for a mistake of its own.
 */
export class ChaliceViewError extends HttpError {
  readonly statusCode = 500;
  constructor(message: string) {
    super(message, 'ChaliceViewError');
  }
}
