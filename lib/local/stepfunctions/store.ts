import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionRecord, HistoryEventRecord, StateMachineRecord } from './types';

const STATE_MACHINES = 'state-machines';
const EXECUTIONS = 'executions';
const HISTORIES = 'histories';

/**
 * State machines, executions and histories as one JSON file each under `dataDir`. Writes are atomic (temp file +
 * rename) and applied in call order per file, so a crash leaves either the old or the new record, never half of one.
 * File names are hashes of ARNs: names may legally contain `.` sequences and run to 80 characters each.
 */
export class LocalStepFunctionsStore {
  private readonly writes = new Map<string, Promise<void>>();
  private temporaryFileCount = 0;

  constructor(private readonly dataDir: string) {}

  async load(): Promise<{ stateMachines: StateMachineRecord[]; executions: ExecutionRecord[] }> {
    await Promise.all(
      [STATE_MACHINES, EXECUTIONS, HISTORIES].map((dir) => mkdir(join(this.dataDir, dir), { recursive: true })),
    );
    const [stateMachines, executions] = await Promise.all([
      this.readAll<StateMachineRecord>(STATE_MACHINES),
      this.readAll<ExecutionRecord>(EXECUTIONS),
    ]);
    return { stateMachines, executions };
  }

  saveStateMachine(record: StateMachineRecord): void {
    this.write(this.path(STATE_MACHINES, record.stateMachineArn), record);
  }

  deleteStateMachine(stateMachineArn: string): void {
    this.enqueue(this.path(STATE_MACHINES, stateMachineArn), (file) => rm(file, { force: true }));
  }

  saveExecution(record: ExecutionRecord): void {
    this.write(this.path(EXECUTIONS, record.executionArn), record);
  }

  saveHistory(executionArn: string, events: readonly HistoryEventRecord[]): void {
    this.write(this.path(HISTORIES, executionArn), events);
  }

  async loadHistory(executionArn: string): Promise<HistoryEventRecord[] | undefined> {
    const file = this.path(HISTORIES, executionArn);
    await this.writes.get(file);
    try {
      return JSON.parse(await readFile(file, 'utf8')) as HistoryEventRecord[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Resolves once every write requested so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all(this.writes.values());
  }

  private write(file: string, value: unknown): void {
    const contents = JSON.stringify(value, null, 2);
    this.enqueue(file, async (target) => {
      const temporary = `${target}.${process.pid}.${++this.temporaryFileCount}.tmp`;
      await writeFile(temporary, contents);
      await rename(temporary, target);
    });
  }

  private enqueue(file: string, operation: (file: string) => Promise<void>): void {
    const previous = this.writes.get(file) ?? Promise.resolve();
    const next = previous
      .then(() => operation(file))
      .catch((error: unknown) => {
        // Persistence is best effort: the in-memory service stays authoritative for this process.
        console.error(`local stepfunctions: could not write ${file}`, error);
      });
    this.writes.set(file, next);
    void next.then(() => {
      if (this.writes.get(file) === next) this.writes.delete(file);
    });
  }

  private async readAll<T>(dir: string): Promise<T[]> {
    const names = (await readdir(join(this.dataDir, dir))).filter((name) => name.endsWith('.json'));
    const records: T[] = [];
    for (const name of names) {
      try {
        records.push(JSON.parse(await readFile(join(this.dataDir, dir, name), 'utf8')) as T);
      } catch (error) {
        console.error(`local stepfunctions: ignoring unreadable ${join(dir, name)}`, error);
      }
    }
    return records;
  }

  private path(dir: string, arn: string): string {
    return join(this.dataDir, dir, `${createHash('sha256').update(arn).digest('hex').slice(0, 40)}.json`);
  }
}
