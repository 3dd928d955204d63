import { startMedia2CloudTestbed, expectError, type Media2CloudTestbed } from './support';

const TYPES = ['video', 'audio', 'image', 'document'] as const;
const STATUSES = ['COMPLETED', 'PROCESSING', 'ERROR'] as const;
const COUNT = 50;

interface Seeded {
  readonly uuid: string;
  readonly type: string;
  readonly overallStatus: string;
  readonly timestamp: number;
}

let bed: Media2CloudTestbed;
const seeded: Seeded[] = [];

beforeAll(async () => {
  bed = await startMedia2CloudTestbed();
  for (let n = 0; n < COUNT; n += 1) {
    const asset: Seeded = {
      uuid: `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
      type: TYPES[n % TYPES.length],
      overallStatus: STATUSES[n % STATUSES.length],
      // Pairs of assets share a timestamp: ties must neither repeat nor drop entries across pages.
      timestamp: 1_700_000_000_000 + Math.floor(n / 2) * 1000,
    };
    seeded.push(asset);
    await bed.putRecord({ ...asset, schemaVersion: 1, bucket: 'm2c-ingest-bucket', key: `media/${n}.mp4` });
  }
});

afterAll(async () => {
  await bed.stop();
});

function list(query: Record<string, string>) {
  return bed.api({ resource: '/assets', query });
}

/** Follows NextToken from the first page to the last, checking that only the last page has no token. */
async function listAll(query: Record<string, string>): Promise<Record<string, unknown>[][]> {
  const pages: Record<string, unknown>[][] = [];
  let token: string | undefined;
  do {
    const response = await list({ ...query, ...(token === undefined ? {} : { token }) });
    expect(response.statusCode).toBe(200);
    const body = response.body as { Items: Record<string, unknown>[]; NextToken?: string };
    pages.push(body.Items);
    token = body.NextToken;
    expect(pages.length).toBeLessThanOrEqual(COUNT);
  } while (token !== undefined);
  return pages;
}

function newestFirst(assets: readonly Seeded[]): Seeded[] {
  return [...assets].sort((a, b) => b.timestamp - a.timestamp);
}

describe('GET /assets', () => {
  it('lists every asset newest first as thin items, in pages, without loss or repeats', async () => {
    // Prepare
    const expected = newestFirst(seeded);

    // Act
    const pages = await listAll({ pageSize: '7' });

    // Assess
    expect(pages.map((page) => page.length)).toEqual([7, 7, 7, 7, 7, 7, 7, 1]);
    const items = pages.flat();
    expect(new Set(items.map((item) => item.uuid)).size).toBe(COUNT);
    expect(items.map((item) => item.timestamp)).toEqual(expected.map((asset) => asset.timestamp));
    expect(Object.keys(items[0])).toEqual(['uuid', 'schemaVersion', 'type', 'timestamp']);
    const byUuid = new Map(seeded.map((asset) => [asset.uuid, asset]));
    for (const item of items) {
      const asset = byUuid.get(item.uuid as string)!;
      expect(item).toEqual({ uuid: asset.uuid, schemaVersion: 1, type: asset.type, timestamp: asset.timestamp });
    }
  });

  it('lists one type with the type index keys only, through every page', async () => {
    // Prepare
    const expected = newestFirst(seeded.filter((asset) => asset.type === 'video'));

    // Act
    const pages = await listAll({ type: 'video', pageSize: '4' });

    // Assess
    const items = pages.flat();
    expect(items).toEqual(expected.map(({ uuid, type, timestamp }) => ({ uuid, type, timestamp })));
  });

  it('lists one overall status with the status index keys only, through every page', async () => {
    // Prepare
    const expected = newestFirst(seeded.filter((asset) => asset.overallStatus === 'COMPLETED'));

    // Act
    const pages = await listAll({ overallStatus: 'COMPLETED', pageSize: '5' });

    // Assess
    const items = pages.flat();
    expect(items).toEqual(expected.map(({ uuid, overallStatus, timestamp }) => ({ uuid, overallStatus, timestamp })));
  });

  it.each([
    ['type first', { type: 'audio', overallStatus: 'ERROR' }],
    ['overallStatus first', { overallStatus: 'ERROR', type: 'audio' }],
  ])('lets overallStatus win over type whichever comes first (%s), through every page', async (_order, filters) => {
    // Prepare
    const expected = newestFirst(seeded.filter((asset) => asset.overallStatus === 'ERROR'));

    // Act
    const pages = await listAll({ ...filters, pageSize: '3' });

    // Assess
    const uuids = pages.flat().map((item) => item.uuid);
    expect(uuids).toEqual(expected.map((asset) => asset.uuid));
    expect(new Set(uuids).size).toBe(uuids.length);
  });

  it('serves 20 per page by default and gives no token when the page holds the last asset', async () => {
    // Prepare: 50 assets

    // Act
    const first = await list({});
    const exact = await list({
      type: 'document',
      pageSize: String(seeded.filter((a) => a.type === 'document').length),
    });

    // Assess
    expect((first.body as { Items: unknown[] }).Items).toHaveLength(20);
    expect((first.body as { NextToken?: string }).NextToken).toEqual(expect.any(String));
    expect(exact.body).not.toHaveProperty('NextToken');
  });

  it('treats empty filter values as absent', async () => {
    // Prepare
    const query = { type: '', overallStatus: '', token: '', pageSize: '' };

    // Act
    const response = await list(query);

    // Assess
    expect(response.statusCode).toBe(200);
    expect((response.body as { Items: unknown[] }).Items).toHaveLength(20);
  });

  it('answers an empty page for a type nobody has', async () => {
    // Prepare: no asset of type "octet-stream"

    // Act
    const response = await list({ type: 'octet-stream' });

    // Assess
    expect(response.body).toEqual({ Items: [] });
  });

  it.each([
    ['not base64', { token: '***' }],
    ['base64 of something that is not JSON', { token: Buffer.from('not json').toString('base64') }],
    [
      'a key of another listing',
      { token: Buffer.from('{"uuid":"a","type":"video","timestamp":1}').toString('base64') },
    ],
    [
      'a key of another partition',
      { type: 'audio', token: Buffer.from('{"uuid":"a","type":"video","timestamp":1}').toString('base64') },
    ],
    ['not URL-decodable', { token: '%E0%A4%A' }],
    [
      'a key longer than DynamoDB allows',
      {
        token: Buffer.from(JSON.stringify({ uuid: 'a'.repeat(3000), type: 'video', timestamp: 1 })).toString('base64'),
      },
    ],
    [
      'a sort key DynamoDB cannot hold',
      { token: Buffer.from('{"uuid":"a","type":"video","timestamp":1e300}').toString('base64') },
    ],
    ['far longer than any key', { token: 'A'.repeat(100_000) }],
  ])('refuses a token that is %s with 400', async (_case, query) => {
    // Prepare: query as given

    // Act
    const response = await list(query);

    // Assess
    expectError(response, 400, 'M2CException', 'GET /assets - invalid token');
  });

  it.each([['0'], ['-1'], ['abc'], ['1001'], ['2.5']])('refuses pageSize=%s with 400', async (pageSize) => {
    // Prepare: query as given

    // Act
    const response = await list({ pageSize });

    // Assess
    expectError(response, 400, 'M2CException', 'GET /assets - invalid pageSize');
  });

  it('refuses a filter value DynamoDB could not take as a key', async () => {
    // Prepare
    const type = 'x'.repeat(3000);

    // Act
    const response = await list({ type });

    // Assess
    expectError(response, 400, 'M2CException', 'GET /assets - invalid type');
  });
});
