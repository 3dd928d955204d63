import type { StreamConfig } from '../domain/types';

export interface LeaseView {
  readonly leaseOwner?: string;
  readonly leaseExpiresAt?: number;
}

export interface SupervisorPorts {
  lease(streamName: string): Promise<LeaseView | undefined>;
  startConsumer(config: StreamConfig, executionName: string): Promise<string>;
}

export interface SupervisorResult {
  readonly started: Array<{ streamName: string; executionArn: string }>;
  readonly running: string[];
}

/**
 * Keeps a consumer running for every stream configured at deploy time: one whose lease is free (never taken, or
 * expired because its loop ended or failed for good) gets a new execution. A running consumer renews its lease, so
 * it is left alone; a second one started by a race stops at once on the lease.
 */
export async function superviseStreams(
  streams: readonly StreamConfig[],
  ports: SupervisorPorts,
  now: number,
): Promise<SupervisorResult> {
  const started: SupervisorResult['started'] = [];
  const running: string[] = [];
  for (const config of streams) {
    const lease = await ports.lease(config.streamName);
    if (lease?.leaseOwner && (lease.leaseExpiresAt ?? 0) > now) {
      running.push(config.streamName);
      continue;
    }
    const name = `${config.streamName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 60)}-${now}`;
    started.push({ streamName: config.streamName, executionArn: await ports.startConsumer(config, name) });
  }
  return { started, running };
}
