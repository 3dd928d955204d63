/**
 * Every message text of the workflow API in one place. Texts marked "original" are the exact strings the original
 * returns or stores (clients match on them, typos included); the others are ours, for requests the original answers
 * with a 500 or a stack trace.
 */

// The original builds this message from an indented Python triple-quoted string, so the indentation is part of it.
const DEPENDENT_INDENT = '\n' + ' '.repeat(20);

export const Messages = {
  /** ours: the original fails with a 500 on a body that is not a JSON object. */
  bodyMustBeObject: 'Request body must be a JSON object',

  // --- not found (original) ---
  operationNotFound: (name: string) => `Exception: operation '${name}' not found`,
  stageNotFound: (name: string) => `Exception: stage '${name}' not found`,
  workflowNotFound: (name: string) => `Exception: workflow '${name}' not found`,
  /** original: POST /workflow/execution with an unknown workflow name. */
  executionWorkflowNotFound: (name: string) => `Exception: workflow name '${name}' not found`,
  executionNotFound: (id: string) => `Exception: workflow execution '${id}' not found`,

  // --- deleting something that does not exist: 200 with a message (original) ---
  operationMissingOnDelete: (name: string) => `Warning: operation '${name}' not found`,
  stageMissingOnDelete: (name: string) => `Warning: stage '${name}' not found`,
  workflowMissingOnDelete: (name: string) => `Workflow '${name}' not found`,

  // --- conflicts (original) ---
  operationExists: (name: string) => `A operation with the name '${name}' already exists`,
  stageExists: (name: string) => `A stage with the name '${name}' already exists`,
  workflowExists: (name: string) => `Workflow with Name ${name} already exists`,
  activeExecution: (executionId: string, assetId: string) =>
    `There is currently another workflow execution(Id = ${executionId}) active on AssetId ${assetId}.`,

  /** original; the operation variant says "stage" in its body too. */
  dependentWorkflows: (kind: 'operation' | 'stage', name: string) =>
    [
      `Dependent workflows were found for ${kind} ${name}.`,
      'Either delete the dependent workflows or set the query parameter',
      'force=true to delete the stage anyhow.  Undeleted dependent workflows',
      'will be kept but will contain the deleted definition of the stage.  To',
      'find the workflow that depend on a stage use the following endpoint:',
      `GET /workflow/list/${kind}/`,
    ].join(DEPENDENT_INDENT),

  // --- request validation ---
  /** original (`check_required_input`). */
  requiredKey: (key: string, objectName: string) => `Key '${key}' is required in '${objectName}' input`,
  /** original (jsonschema). */
  requiredProperty: (key: string) => `'${key}' is a required property`,
  /** original (jsonschema), with the value in Python notation. */
  wrongType: (pythonValue: string, type: string) => `${pythonValue} is not of type '${type}'`,
  /** original (jsonschema). */
  notOneOf: (pythonValue: string, allowed: readonly string[]) =>
    `${pythonValue} is not one of [${allowed.map((value) => `'${value}'`).join(', ')}]`,
  /** original, "and" typo included. */
  stageNeedsEndOrNext: (stage: string) => `Stage ${stage} must have either an 'End' or and 'Next' key`,
  /** original. */
  exactlyOneEnd: (workflow: string) => `Workflow ${workflow} must have exactly 1 'End' key within its stages`,
  stageHasEndAndNext: (stage: string) => `Stage ${stage} must have either an 'End' or a 'Next' key, not both`,
  startAtUnknown: (stage: string) => `StartAt stage '${stage}' is not one of the workflow's Stages`,
  nextUnknown: (stage: string, next: string) =>
    `Next stage '${next}' of stage ${stage} is not one of the workflow's Stages`,
  stageCycle: (stage: string) => `Stage ${stage} is reached twice: the stages form a cycle`,
  stageUnreachable: (stage: string, startAt: string) =>
    `Stage ${stage} cannot be reached from StartAt stage ${startAt}`,
  stageWithoutOperations: (stage: string) => `Stage ${stage} has no operations`,
  stageRepeatsOperation: (stage: string, operation: string) =>
    `Stage ${stage} lists operation ${operation} more than once`,
  /** original. */
  inputNeedsAssetOrMedia: 'Input must contain either "AssetId" or "Media"',
  unsupportedInputMediaType: (mediaType: string, allowed: readonly string[]) =>
    `Unsupported media type '${mediaType}' in Input.Media; expected one of ${allowed.join(', ')}`,
  /** original. */
  invalidConfigurationStage: (stage: string) => `Exception: Invalid stage found in Configuration '${stage}'`,
  /** original. */
  invalidConfigurationOperation: (operation: string) => `Exception: Invalid operation '${operation}'`,
  /** original; it also accepts exactly 1, despite the wording. */
  maxConcurrentWorkflows: 'MaxConcurrentWorkflows must be a value > 1',
  /** ours: the original has no maximum. */
  maxConcurrentWorkflowsLimit: (limit: number) => `MaxConcurrentWorkflows must be at most ${limit}`,
  /** original. */
  notWaitingAtStage: "Workflow status is not 'Waiting' or Current stage doesn't match the request",

  // --- data plane (original) ---
  unableToRetrieveAsset: (assetId: string) => `Unable to retrieve asset: ${assetId}`,
  errorCreatingAsset: (dataplaneAnswer: string) => `Error creating asset '${dataplaneAnswer}'`,

  // --- engine (original; stored in the execution's `Message`) ---
  duplicateMediaType: (mediaType: string) =>
    `Duplicate mediaType '${mediaType}' found in operation output media.  mediaType keys must be unique within a stage.`,
  stageAborted: (stage: string) => `Stage ${stage} encountered and error during execution, aborting the workflow`,
  rollupFailed: (cause: string) => `Exception while rolling up stage status ${cause}`,
  stageOutputsTooLarge: (stage: string, bytes: number) =>
    `Stage ${stage} outputs take ${bytes} bytes stored with the execution, more than one record can hold; aborting the workflow`,
  rollupErrorCause: (cause: string) => `Error rolling up stage status: ${cause}`,
  stageCompleted: (status: string) => `stage completed with status ${status}`,
  waitUnexpectedStatus: (status: string) => `Unexpected workflow execution status ${status}`,
  waitExecutionMissing: (id: string) => `Unable to find Waiting workflow execution ${id}`,
  waitCouldNotPause: (cause: string) => `Unable to set workflow status to Waiting ${cause}`,
  schedulerFailed: (cause: string) => `Exception in workflow_scheduler_lambda ${cause}`,

  /** How the original wraps a message when it turns an exception into a 500 `ChaliceViewError`. */
  chaliceViewError: (message: string) => `Exception '${message}'`,
} as const;
