import { randomBytes } from 'node:crypto';
import {
  ItemTooLargeError,
  PACKED_ATTRIBUTE,
  pack,
  packToFit,
  unpack,
} from '../../../lambdas/media-insights/tables/packing';
import { itemSize, MAX_ITEM_BYTES } from '../../../lambdas/shared/dynamodb/item-size';
import { generatedStageAsl } from '../workflow/domain/fixtures';

const stageAsl = (count: number): string => generatedStageAsl('Big', count);

describe('packing records into one item', () => {
  it('moves the named fields into one compressed attribute and puts them back exactly', () => {
    // Prepare
    const record = {
      Name: 'wf',
      Stages: { A: { Definition: stageAsl(3), Next: 'B' }, B: { Definition: stageAsl(2), End: true } },
    };

    // Act
    const item = pack(record, ['Stages.*.Definition']);

    // Assess
    expect(item[PACKED_ATTRIBUTE]).toBeInstanceOf(Uint8Array);
    expect(item['Stages']).toEqual({ A: { Next: 'B' }, B: { End: true } });
    expect(unpack(item)).toEqual(record);
    expect(record.Stages.A.Definition).toContain('Complete Stage Big');
  });

  it('returns records stored before packing as they are', () => {
    // Prepare
    const legacy = { Name: 'old', Definition: '{"StartAt":"x"}' };

    // Act
    const read = unpack(legacy);

    // Assess
    expect(read).toEqual(legacy);
    expect(unpack(undefined)).toBeUndefined();
  });

  it('adds nothing when no named field is present', () => {
    // Act
    const item = pack({ Name: 'plain', Stages: {} }, ['Stages.*.Definition', 'Definition']);

    // Assess
    expect(item).toEqual({ Name: 'plain', Stages: {} });
  });

  it('fits the generated ASL of a 200-operation stage, several times the item limit unpacked, in one item', () => {
    // Prepare
    const stage = { Name: 'Big', Definition: stageAsl(200) };
    expect(itemSize(stage)).toBeGreaterThan(MAX_ITEM_BYTES);

    // Act
    const item = packToFit(stage, ['Definition']);

    // Assess
    expect(itemSize(item)).toBeLessThan(MAX_ITEM_BYTES / 4);
    expect(unpack(item)).toEqual(stage);
  });

  it('refuses, naming the attribute, what does not fit even compressed', () => {
    // Prepare: random bytes do not compress.
    const stage = { Name: 'Noise', Definition: randomBytes(450_000).toString('base64') };

    // Act
    const attempt = (): unknown => packToFit(stage, ['Definition']);

    // Assess
    expect(attempt).toThrow(ItemTooLargeError);
    expect(attempt).toThrow(expect.objectContaining({ attribute: PACKED_ATTRIBUTE }));
  });
});
