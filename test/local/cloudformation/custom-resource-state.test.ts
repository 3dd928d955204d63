import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  asResourceProperties,
  customResourceChange,
  CustomResourceStateFile,
  propertiesHash,
  removedCustomResources,
  type CustomResourceState,
} from '../../../lib/local/cloudformation/custom-resource-state';

const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:000000000000:function:Provider';

function stored(properties: Record<string, unknown>, logicalId = 'Greeting'): CustomResourceState {
  return {
    stackName: 'Deploy',
    logicalId,
    resourceType: 'Custom::Greeting',
    properties,
    propertiesHash: propertiesHash(properties),
    physicalResourceId: `greeting-${logicalId}`,
    data: { Greeting: 'hello' },
  };
}

describe('custom resource state', () => {
  it('turns every scalar property into a string, as CloudFormation hands them to providers', () => {
    const properties = asResourceProperties({ Size: 3, Flag: true, Tags: [1, { Deep: false }], Name: 'x', Gone: null });

    expect(properties).toEqual({ Size: '3', Flag: 'true', Tags: ['1', { Deep: 'false' }], Name: 'x', Gone: null });
  });

  it('asks for Create when nothing is remembered', () => {
    expect(customResourceChange(undefined, { ServiceToken: SERVICE_TOKEN })).toEqual({ requestType: 'Create' });
  });

  it('asks for nothing when the properties are unchanged, whatever their key order', () => {
    const previous = stored({ ServiceToken: SERVICE_TOKEN, Name: 'world', Size: '3' });

    const change = customResourceChange(previous, { Size: '3', Name: 'world', ServiceToken: SERVICE_TOKEN });

    expect(change).toEqual({ requestType: 'None', previous });
  });

  it('asks for Update with what was remembered when any property changed, the ServiceToken included', () => {
    const previous = stored({ ServiceToken: SERVICE_TOKEN, Name: 'world' });

    const renamed = customResourceChange(previous, { ServiceToken: SERVICE_TOKEN, Name: 'moon' });
    const moved = customResourceChange(previous, { ServiceToken: `${SERVICE_TOKEN}2`, Name: 'world' });
    const nested = customResourceChange(stored({ A: { B: ['1'] } }), { A: { B: ['2'] } });

    expect(renamed).toEqual({ requestType: 'Update', previous });
    expect(moved.requestType).toBe('Update');
    expect(nested.requestType).toBe('Update');
  });

  it('finds the remembered resources no template declares any more', () => {
    const kept = stored({}, 'Kept');
    const gone = stored({}, 'Gone');

    const removed = removedCustomResources({ 'Deploy/Kept': kept, 'Deploy/Gone': gone }, new Set(['Deploy/Kept']));

    expect(removed).toEqual([gone]);
  });

  it('keeps the state in custom-resources.json across instances', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-cr-state-'));
    const state = stored({ Name: 'world' });

    new CustomResourceStateFile(dataDir).set('Deploy/Greeting', state);
    const reloaded = new CustomResourceStateFile(dataDir);
    const written = JSON.parse(fs.readFileSync(path.join(dataDir, 'custom-resources.json'), 'utf8'));
    fs.rmSync(dataDir, { recursive: true, force: true });

    expect(reloaded.get('Deploy/Greeting')).toEqual(state);
    expect(written.resources['Deploy/Greeting'].physicalResourceId).toBe('greeting-Greeting');
  });
});
