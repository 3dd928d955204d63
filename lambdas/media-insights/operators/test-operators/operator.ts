import { OperationStatus, type JsonObject, type MediaMap, type OperatorObject } from '../../workflow/domain/types';
import {
  complete,
  executing,
  isObject,
  parseOperatorEvent,
  withStatus,
  type OperatorChanges,
} from '../shared/operator';

/**
 * The original's test operators (`source/operators/test/test.py`): they touch no service and only prove that the
 * engine carries configuration, metadata and media between stages. Each adds
 * `MetaData.<Name> = {"Meta": "Workflow metadata for <Name>", "TestCustomConfig"?: …}` and, for media type
 * `Video`/`Audio`/`Image`/`Text` (its own, or `Configuration.OutputMediaType`), a made-up media object
 * `{"S3Bucket": "S3BucketFrom<Name>", "S3Key": "S3/Key/From/<Name>/<type in lower case>"}`.
 */

export type TestMediaType = 'Video' | 'Audio' | 'Image' | 'Text';
const OUTPUT_MEDIA_TYPES: readonly string[] = ['Video', 'Audio', 'Image', 'Text'];

/** How many monitor calls an async test operator takes to finish; `Configuration.TestMonitorPolls` overrides it. */
export const DEFAULT_MONITOR_POLLS = 1;

export function testOperatorOutput(operator: OperatorObject, mediaType: TestMediaType): OperatorChanges {
  const own = isObject(operator.MetaData[operator.Name]) ? (operator.MetaData[operator.Name] as JsonObject) : {};
  const description: JsonObject = { ...own, Meta: `Workflow metadata for ${operator.Name}` };
  if (Object.hasOwn(operator.Configuration, 'TestCustomConfig')) {
    description['TestCustomConfig'] = operator.Configuration['TestCustomConfig'];
  }
  const outputType = Object.hasOwn(operator.Configuration, 'OutputMediaType')
    ? operator.Configuration['OutputMediaType']
    : mediaType;
  const media: MediaMap = {};
  if (typeof outputType === 'string' && OUTPUT_MEDIA_TYPES.includes(outputType)) {
    media[outputType] = {
      S3Bucket: `S3BucketFrom${operator.Name}`,
      S3Key: `S3/Key/From/${operator.Name}/${outputType.toLowerCase()}`,
    };
  }
  return { metaData: { [operator.Name]: description }, media };
}

/** Sync test operator: `Complete`, or `Error` for the failing variant (returned, not raised, as the original does). */
export function runSyncTest(event: unknown, mediaType: TestMediaType, outcome: 'ok' | 'fail'): OperatorObject {
  const operator = parseOperatorEvent(event);
  const output = testOperatorOutput(operator, mediaType);
  return outcome === 'ok' ? complete(operator, output) : withStatus(operator, OperationStatus.Error, output);
}

/**
 * Async test operator start: `Executing`, with the poll counter at 0 in `MetaData.<Name>.MonitorPolls`. (The
 * original's start answers `Complete`, which its state machine ignores; our engine only polls what is `Executing`.)
 */
export function runAsyncTestStart(event: unknown, mediaType: TestMediaType): OperatorObject {
  const operator = parseOperatorEvent(event);
  return executing(operator, withPolls(operator, testOperatorOutput(operator, mediaType), 0));
}

/**
 * Async test operator monitor: counts its calls and answers `Executing` until `TestMonitorPolls` calls were made,
 * then `Complete` (or `Error` for the failing variant; the original's "fail" monitor in fact succeeds).
 */
export function runAsyncTestMonitor(event: unknown, mediaType: TestMediaType, outcome: 'ok' | 'fail'): OperatorObject {
  const operator = parseOperatorEvent(event);
  const own = operator.MetaData[operator.Name];
  const previous = isObject(own) && typeof own['MonitorPolls'] === 'number' ? own['MonitorPolls'] : 0;
  const polls = previous + 1;
  const output = withPolls(operator, testOperatorOutput(operator, mediaType), polls);
  if (polls < monitorPolls(operator)) return executing(operator, output);
  return outcome === 'ok' ? complete(operator, output) : withStatus(operator, OperationStatus.Error, output);
}

function monitorPolls(operator: OperatorObject): number {
  const configured = operator.Configuration['TestMonitorPolls'];
  return typeof configured === 'number' && Number.isInteger(configured) && configured >= 1
    ? configured
    : DEFAULT_MONITOR_POLLS;
}

function withPolls(operator: OperatorObject, output: OperatorChanges, polls: number): OperatorChanges {
  const description = output.metaData?.[operator.Name] as JsonObject;
  return { ...output, metaData: { [operator.Name]: { ...description, MonitorPolls: polls } } };
}
