import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse, Context } from 'aws-lambda';
import { HttpError } from '../../../shared/http/errors';
import { logger } from '../../shared/logger';
import type { WorkflowControlPlane } from '../api/control-plane';
import { sendResponse, truncateReason, type ResponseOptions } from './cfn-response';
import { InvalidPropertiesError, parseRegistration, registeredNames, removedNames } from './properties';
import { register, unregister } from './registrar';

/** The original's `Data.Message` texts. */
const SUCCESS_MESSAGES = {
  Create: 'Resource creation successful!',
  Update: 'Resource update successful!',
  Delete: 'Resource deletion successful!',
} as const;

export interface RegistrationHandlerOptions extends ResponseOptions {
  /** Time kept in reserve to respond before the function times out. */
  readonly responseReserveMs?: number;
}

/**
 * The workflow registration custom resource: registers the operations, stages and workflows of its properties on
 * Create and Update, removes them on Delete, and always answers CloudFormation — a custom resource that never
 * answers blocks its stack for an hour.
 */
export function createRegistrationHandler(
  controlPlane: WorkflowControlPlane,
  options: RegistrationHandlerOptions = {},
) {
  return async function handler(
    event: CloudFormationCustomResourceEvent,
    context?: Pick<Context, 'getRemainingTimeInMillis' | 'logStreamName'>,
  ): Promise<void> {
    // Properties may carry operator settings and ResponseURL is a credential: only identifiers are logged.
    logger.info('Workflow registration', {
      RequestType: event.RequestType,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    });
    // A stable id: the original answers its log stream name, which changes between containers, so CloudFormation
    // takes an Update for a replacement and then deletes the "old" resource — what the update just registered.
    const physicalResourceId =
      event.RequestType === 'Create' ? `${event.LogicalResourceId}-WorkflowRegistration` : event.PhysicalResourceId;
    const logStream = context?.logStreamName ?? 'unknown';

    let response: CloudFormationCustomResourceResponse;
    try {
      await withinDeadline(apply(controlPlane, event), deadline(context, options.responseReserveMs ?? 5000));
      response = {
        Status: 'SUCCESS',
        Reason: `See the details in CloudWatch Log Stream: ${logStream}`,
        PhysicalResourceId: physicalResourceId,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
        Data: { Message: SUCCESS_MESSAGES[event.RequestType] },
      };
    } catch (error) {
      logger.error('Workflow registration failed', { error });
      response = {
        Status: 'FAILED',
        Reason: truncateReason(`${describe(error)} (see CloudWatch Log Stream: ${logStream})`),
        PhysicalResourceId: physicalResourceId,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
      };
    }
    await sendResponse(event.ResponseURL, response, options);
  };
}

async function apply(controlPlane: WorkflowControlPlane, event: CloudFormationCustomResourceEvent): Promise<void> {
  switch (event.RequestType) {
    case 'Create':
      return register(controlPlane, parseRegistration(event.ResourceProperties));
    case 'Update':
      await register(controlPlane, parseRegistration(event.ResourceProperties));
      return unregister(
        controlPlane,
        removedNames(registeredNames(event.OldResourceProperties), registeredNames(event.ResourceProperties)),
      );
    case 'Delete':
      return unregister(controlPlane, registeredNames(event.ResourceProperties));
    default:
      throw new InvalidPropertiesError('Unexpected event received from CloudFormation');
  }
}

/** Milliseconds left for the work, or `undefined` outside Lambda (no limit). */
function deadline(context: Pick<Context, 'getRemainingTimeInMillis'> | undefined, reserveMs: number) {
  if (!context?.getRemainingTimeInMillis) return undefined;
  return Math.max(0, context.getRemainingTimeInMillis() - reserveMs);
}

async function withinDeadline(work: Promise<void>, milliseconds: number | undefined): Promise<void> {
  if (milliseconds === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('Workflow registration did not finish before the function timeout')),
      milliseconds,
    );
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  if (error instanceof InvalidPropertiesError || error instanceof HttpError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
