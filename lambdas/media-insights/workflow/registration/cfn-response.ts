import type { CloudFormationCustomResourceResponse } from 'aws-lambda';
import { logger } from '../../shared/logger';

export interface ResponseOptions {
  /** Attempts before giving up; a lost response leaves the stack waiting for an hour. */
  readonly attempts?: number;
  /** Delay before the first retry; doubled for each further one. */
  readonly retryDelayMs?: number;
}

// CloudFormation refuses response documents over 4096 bytes; the reason is the only part that can grow.
const MAX_REASON_LENGTH = 1000;

export function truncateReason(reason: string): string {
  return reason.length <= MAX_REASON_LENGTH ? reason : `${reason.slice(0, MAX_REASON_LENGTH - 3)}...`;
}

/**
 * PUTs the response document to the pre-signed URL CloudFormation gave (https in AWS, http from local mode). The
 * URL is a credential: it is never logged.
 */
export async function sendResponse(
  responseUrl: string,
  response: CloudFormationCustomResourceResponse,
  options: ResponseOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 3;
  let delay = options.retryDelayMs ?? 1000;
  const body = JSON.stringify(response);
  for (let attempt = 1; ; attempt++) {
    try {
      // An empty Content-Type, as the original sends: the pre-signed S3 URL was not signed with one.
      const answer = await fetch(responseUrl, { method: 'PUT', headers: { 'content-type': '' }, body });
      if (answer.ok) return;
      throw new Error(`The CloudFormation response URL answered ${answer.status}`);
    } catch (error) {
      if (attempt >= attempts) throw error;
      logger.warn('Sending the CloudFormation response failed', { attempt, attempts, error: String(error) });
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
}
