import { AwsError } from '../protocol/wire';
import type { JsonOperation } from '../protocol/json-rpc';
import { RekognitionErrors } from './errors';
import { optionalNumber, optionalString, optionalStringList, PAGINATION_TOKEN, requiredString } from './validation';

const PROJECT_ARN = {
  pattern: /^arn:aws:rekognition:[a-z0-9-]+:\d{12}:project\/[a-zA-Z0-9_.-]{1,255}\/\d{13}$/,
  max: 2048,
};

/**
 * Custom Labels projects. Local mode cannot train a model (no training service ships in a package), so no project
 * can exist: the listing is empty, and a project named anyway does not exist — a true answer, not a canned one.
 */
export function projectOperations(): Record<string, JsonOperation> {
  return {
    DescribeProjects(input) {
      optionalNumber(input, 'MaxResults', { min: 1, max: 100, integer: true });
      optionalStringList(input, 'ProjectNames', { minItems: 1, maxItems: 10 });
      optionalStringList(input, 'Features', { minItems: 1, maxItems: 2 });
      if (optionalString(input, 'NextToken', PAGINATION_TOKEN) !== undefined) {
        throw RekognitionErrors.invalidPaginationToken();
      }
      return { ProjectDescriptions: [] };
    },
    DescribeProjectVersions(input) {
      const projectArn = requiredString(input, 'ProjectArn', PROJECT_ARN);
      throw new AwsError('ResourceNotFoundException', `The project ${projectArn} does not exist`, 400);
    },
  };
}
