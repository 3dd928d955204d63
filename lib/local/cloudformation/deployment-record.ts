import * as fs from 'node:fs';
import * as path from 'node:path';
import { propertiesHash } from './custom-resource-state';

/** Kept in the CloudFormation module's data directory. */
const RECORD_FILE = 'deployed-resources.json';

interface RecordFile {
  /** `<stack>/<logicalId>` → fingerprint of the resource as the last completed start deployed it. */
  readonly resources: Record<string, string>;
}

/**
 * What the last start that completed deployed, for an update with no changes: CloudFormation makes no call for a
 * resource whose template did not change, and neither does local mode for a resource whose module asks
 * (`DeployableResource.unchanged()`), such as a table or a bucket, whose engine keeps it on disk between starts.
 *
 * A resource's fingerprint covers its type, physical id, resolved properties and the identity of its module's data directory
 * (device, inode, creation time): a module whose data was removed deploys everything again, as on a first start.
 * As CloudFormation, a no-change update does not repair drift (a table deleted through the API stays deleted until
 * its template changes, or its module's data directory is removed).
 */
export class DeploymentRecord {
  private readonly previous: Readonly<Record<string, string>>;
  private readonly current: Record<string, string> = {};
  private readonly file: string;

  constructor(directory: string) {
    this.file = path.join(directory, RECORD_FILE);
    let previous: Record<string, string> = {};
    try {
      previous = (JSON.parse(fs.readFileSync(this.file, 'utf8')) as RecordFile).resources ?? {};
    } catch {
      // No completed start yet (or a record from a crash mid-write, which rename makes impossible): deploy all.
    }
    this.previous = previous;
  }

  /**
   * Whether the resource was deployed as it is now (`resource`: its type, physical id and resolved properties; the
   * same data directory) by the last start that completed. Records it for this start either way.
   */
  unchanged(key: string, dataDirectory: string, resource: unknown): boolean {
    const stat = fs.statSync(dataDirectory, { bigint: true, throwIfNoEntry: false });
    if (!stat) return false;
    const fingerprint = propertiesHash({ resource, data: `${stat.dev}:${stat.ino}:${stat.birthtimeNs}` });
    this.current[key] = fingerprint;
    return this.previous[key] === fingerprint;
  }

  /** Once every stack is deployed: the next start compares with this one. */
  save(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ resources: this.current } satisfies RecordFile));
    fs.renameSync(temporary, this.file);
  }
}
