import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeploymentRecord } from '../../../lib/local/cloudformation/deployment-record';

const TABLE = {
  type: 'AWS::DynamoDB::Table',
  physicalId: 'Stack-Table',
  properties: { BillingMode: 'PAY_PER_REQUEST' },
};

describe('deployment record (an update with no changes)', () => {
  let root: string;
  let records: string;
  let data: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-record-'));
    records = path.join(root, 'cloudformation');
    data = path.join(root, 'dynamodb');
    fs.mkdirSync(records);
    fs.mkdirSync(data);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const nextStart = () => new DeploymentRecord(records);

  it('finds a resource unchanged only once a start that deployed it so has completed', () => {
    const first = nextStart();
    expect(first.unchanged('Stack/Table', data, TABLE)).toBe(false);
    // Not saved: the start did not complete, so the next one deploys the resource again.
    expect(nextStart().unchanged('Stack/Table', data, TABLE)).toBe(false);
    first.save();
    expect(nextStart().unchanged('Stack/Table', data, TABLE)).toBe(true);
  });

  it('finds a resource changed when its properties, its physical id or its key differ', () => {
    const first = nextStart();
    first.unchanged('Stack/Table', data, TABLE);
    first.save();
    const second = nextStart();
    expect(second.unchanged('Stack/Table', data, { ...TABLE, properties: { BillingMode: 'PROVISIONED' } })).toBe(false);
    expect(second.unchanged('Stack/Table', data, { ...TABLE, physicalId: 'Other-Table' })).toBe(false);
    expect(second.unchanged('Stack/Other', data, TABLE)).toBe(false);
  });

  it('deploys everything of a module whose data directory was removed, and forgets resources no start declares', () => {
    const first = nextStart();
    first.unchanged('Stack/Table', data, TABLE);
    first.unchanged('Stack/Gone', data, TABLE);
    first.save();
    fs.rmSync(data, { recursive: true });
    fs.mkdirSync(data);
    const second = nextStart();
    expect(second.unchanged('Stack/Table', data, TABLE)).toBe(false);
    second.save();
    const third = nextStart();
    expect(third.unchanged('Stack/Table', data, TABLE)).toBe(true);
    expect(third.unchanged('Stack/Gone', data, TABLE)).toBe(false);
  });
});
