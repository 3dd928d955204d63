/**
 * A paragraph whose entities are known, for entity recall: the share of the expected (text, type) pairs a detector
 * finds. Written for this project; the mix follows a news story's (people, places, organisations, dates, amounts,
 * an event and a product).
 */
export const ENTITY_PARAGRAPH =
  'Angela Merkel met Barack Obama in Berlin on Monday to discuss the Olympic Games. ' +
  'Later, Microsoft announced that it had bought 3 million shares of Boeing for $5 billion. ' +
  'The new iPhone 15 went on sale in London on September 22, 2023, and Jeff Bezos flew to Seattle.';

export const EXPECTED_ENTITIES: ReadonlyArray<{ readonly text: string; readonly type: string }> = [
  { text: 'Angela Merkel', type: 'PERSON' },
  { text: 'Barack Obama', type: 'PERSON' },
  { text: 'Berlin', type: 'LOCATION' },
  { text: 'Monday', type: 'DATE' },
  { text: 'Olympic Games', type: 'EVENT' },
  { text: 'Microsoft', type: 'ORGANIZATION' },
  { text: '3 million', type: 'QUANTITY' },
  { text: 'Boeing', type: 'ORGANIZATION' },
  { text: '$5 billion', type: 'QUANTITY' },
  { text: 'iPhone 15', type: 'COMMERCIAL_ITEM' },
  { text: 'London', type: 'LOCATION' },
  { text: 'September 22, 2023', type: 'DATE' },
  { text: 'Jeff Bezos', type: 'PERSON' },
  { text: 'Seattle', type: 'LOCATION' },
];

/** The share of expected entities (as Comprehend answers them) found with their type (a found text that contains the expected one counts). */
export function entityRecall(found: ReadonlyArray<{ Text?: string; Type?: string }>): number {
  const hits = EXPECTED_ENTITIES.filter((expected) =>
    found.some((entity) => entity.Type === expected.type && (entity.Text ?? '').includes(expected.text)),
  );
  return hits.length / EXPECTED_ENTITIES.length;
}
