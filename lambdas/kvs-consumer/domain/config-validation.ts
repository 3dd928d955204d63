import type { ClipTarget, InitialSelector, StreamConfig } from './types';

/** A consumer input or stream setting that cannot be used. */
export class InvalidStreamConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStreamConfigError';
  }
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;
/** A clip is built in memory from its fragments: ten minutes keeps it well inside the function's memory. */
export const MAX_CLIP_SECONDS = 600;

/**
 * Reads a stream's consumer settings (state machine input or `kvsStreams` context):
 * `{streamName, startSelector?: {StartSelectorType, StartTimestamp?}, clipSeconds?, clipTarget?}`, with
 * `clipTarget` `"none"`, `"media2cloud"` or `{"type": "media-insights", "workflowName": "..."}`.
 */
export function parseStreamConfig(raw: unknown): StreamConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidStreamConfigError('The stream configuration must be an object');
  }
  const input = raw as Record<string, unknown>;
  const streamName = input.streamName;
  if (typeof streamName !== 'string' || !STREAM_NAME.test(streamName)) {
    throw new InvalidStreamConfigError(`streamName must match [a-zA-Z0-9_.-]{1,256}: ${String(streamName)}`);
  }
  const clipSeconds = input.clipSeconds ?? 0;
  if (
    typeof clipSeconds !== 'number' ||
    !Number.isInteger(clipSeconds) ||
    clipSeconds < 0 ||
    clipSeconds > MAX_CLIP_SECONDS
  ) {
    throw new InvalidStreamConfigError(`clipSeconds must be a whole number from 0 to ${MAX_CLIP_SECONDS}`);
  }
  return {
    streamName,
    startSelector: parseSelector(input.startSelector),
    clipSeconds,
    clipTarget: parseClipTarget(input.clipTarget, clipSeconds),
  };
}

function parseSelector(raw: unknown): InitialSelector {
  if (raw === undefined) return { StartSelectorType: 'NOW' };
  const selector = (typeof raw === 'string' ? { StartSelectorType: raw } : raw) as Record<string, unknown>;
  const type = selector?.StartSelectorType;
  if (type === 'NOW' || type === 'EARLIEST') return { StartSelectorType: type };
  if (type === 'SERVER_TIMESTAMP' || type === 'PRODUCER_TIMESTAMP') {
    const at = selector.StartTimestamp;
    if ((typeof at !== 'string' && typeof at !== 'number') || Number.isNaN(new Date(at).getTime())) {
      throw new InvalidStreamConfigError(`${type} needs StartTimestamp (ISO 8601 or epoch milliseconds)`);
    }
    return { StartSelectorType: type, StartTimestamp: new Date(at).toISOString() };
  }
  throw new InvalidStreamConfigError(
    `startSelector.StartSelectorType must be NOW, EARLIEST, SERVER_TIMESTAMP or PRODUCER_TIMESTAMP: ${String(type)}`,
  );
}

function parseClipTarget(raw: unknown, clipSeconds: number): ClipTarget {
  if (raw === undefined || raw === 'none') return { type: 'none' };
  if (clipSeconds === 0) throw new InvalidStreamConfigError('clipTarget needs clipSeconds greater than 0');
  if (raw === 'media2cloud') return { type: 'media2cloud' };
  const target = raw as Record<string, unknown> | null;
  if (target?.type === 'media2cloud') return { type: 'media2cloud' };
  if (target?.type === 'none') return { type: 'none' };
  if (target?.type === 'media-insights') {
    if (typeof target.workflowName !== 'string' || target.workflowName === '') {
      throw new InvalidStreamConfigError('A media-insights clipTarget needs workflowName');
    }
    return { type: 'media-insights', workflowName: target.workflowName };
  }
  throw new InvalidStreamConfigError(
    'clipTarget must be "none", "media2cloud" or {"type": "media-insights", "workflowName"}',
  );
}
