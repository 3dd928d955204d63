import { BadRequestError } from '../../../../lambdas/shared/http';
import {
  decodeAssetCursor,
  decodeOperatorCursor,
  encodeAssetCursor,
  encodeOperatorCursor,
} from '../../../../lambdas/media-insights/dataplane/domain/cursor';

// Cursors produced by the original's encoder (Python json.dumps + base64.urlsafe_b64encode) for the same state.
const ALPHA = 'private/assets/a1/workflows/w1/Alpha.json';
const BETA = 'private/assets/a1/workflows/w2/Beta.json';
const FIRST_ASSET_CURSOR =
  'eyJuZXh0IjogeyJBbHBoYSI6ICJwcml2YXRlL2Fzc2V0cy9hMS93b3JrZmxvd3MvdzEvQWxwaGEuanNvbiIsICJwYWdlIjogMH0sICJyZW1haW5pbmciOiBbeyJBbHBoYSI6ICJwcml2YXRlL2Fzc2V0cy9hMS93b3JrZmxvd3MvdzEvQWxwaGEuanNvbiIsICJwYWdlIjogMH0sIHsiQmV0YSI6ICJwcml2YXRlL2Fzc2V0cy9hMS93b3JrZmxvd3MvdzIvQmV0YS5qc29uIn1dfQ==';
const PAGED_ASSET_CURSOR =
  'eyJuZXh0IjogeyJCZXRhIjogInByaXZhdGUvYXNzZXRzL2ExL3dvcmtmbG93cy93Mi9CZXRhLmpzb24iLCAicGFnZSI6IDF9LCAicmVtYWluaW5nIjogW3siQmV0YSI6ICJwcml2YXRlL2Fzc2V0cy9hMS93b3JrZmxvd3MvdzIvQmV0YS5qc29uIiwgInBhZ2UiOiAwfV19';
const OPERATOR_CURSOR =
  'eyJuZXh0IjogeyJCZXRhIjogInByaXZhdGUvYXNzZXRzL2ExL3dvcmtmbG93cy93Mi9CZXRhLmpzb24iLCAicGFnZSI6IDF9LCAicmVtYWluaW5nIjogWyJCZXRhIl19';
const UNICODE_ASSET_CURSOR =
  'eyJuZXh0IjogeyJSXHUwMGU5c3VtXHUwMGU5IjogInByaXZhdGUvYXNzZXRzL2ExL3dvcmtmbG93cy93MS9SXHUwMGU5c3VtXHUwMGU5Lmpzb24iLCAicGFnZSI6IDB9LCAicmVtYWluaW5nIjogW3siUlx1MDBlOXN1bVx1MDBlOSI6ICJwcml2YXRlL2Fzc2V0cy9hMS93b3JrZmxvd3MvdzEvUlx1MDBlOXN1bVx1MDBlOS5qc29uIiwgInBhZ2UiOiAwfV19';

function base64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('encodeAssetCursor', () => {
  it('produces the same text as the original for the first cursor over two operators', () => {
    // Prepare: "page" sits on the first remaining entry too, as the original mutates it in place
    const next = { operatorName: 'Alpha', pointer: ALPHA, page: 0 };
    const remaining = [next, { operatorName: 'Beta', pointer: BETA }];

    // Act
    const cursor = encodeAssetCursor({ next, remaining });

    // Assess
    expect(cursor).toBe(FIRST_ASSET_CURSOR);
  });

  it('produces the same text as the original for a cursor inside a paginated result', () => {
    // Prepare
    const next = { operatorName: 'Beta', pointer: BETA, page: 1 };
    const remaining = [{ operatorName: 'Beta', pointer: BETA, page: 0 }];

    // Act
    const cursor = encodeAssetCursor({ next, remaining });

    // Assess
    expect(cursor).toBe(PAGED_ASSET_CURSOR);
  });

  it('escapes non-ASCII operator names as Python does', () => {
    // Prepare
    const entry = { operatorName: 'Résumé', pointer: 'private/assets/a1/workflows/w1/Résumé.json', page: 0 };

    // Act
    const cursor = encodeAssetCursor({ next: entry, remaining: [entry] });

    // Assess
    expect(cursor).toBe(UNICODE_ASSET_CURSOR);
  });

  it('pads the URL-safe base64 as base64.urlsafe_b64encode does', () => {
    // Prepare
    const entry = { operatorName: 'op', pointer: 'private/assets/a/workflows/w/op.json', page: 0 };

    // Act
    const cursor = encodeAssetCursor({ next: entry, remaining: [entry] });

    // Assess
    expect(cursor.length % 4).toBe(0);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+={0,2}$/);
  });
});

describe('encodeOperatorCursor', () => {
  it('produces the same text as the original, with only the operator name in remaining', () => {
    // Prepare
    const next = { operatorName: 'Beta', pointer: BETA, page: 1 };

    // Act
    const cursor = encodeOperatorCursor({ next, remaining: ['Beta'] });

    // Assess
    expect(cursor).toBe(OPERATOR_CURSOR);
  });
});

describe('decodeAssetCursor', () => {
  it('reads a cursor the original produced', () => {
    // Prepare: the first cursor of the original

    // Act
    const cursor = decodeAssetCursor(FIRST_ASSET_CURSOR, 'a1');

    // Assess
    expect(cursor).toEqual({
      next: { operatorName: 'Alpha', pointer: ALPHA, page: 0 },
      remaining: [
        { operatorName: 'Alpha', pointer: ALPHA, page: 0 },
        { operatorName: 'Beta', pointer: BETA },
      ],
    });
  });

  it('round-trips to the same text', () => {
    // Prepare
    const decoded = decodeAssetCursor(PAGED_ASSET_CURSOR, 'a1');

    // Act
    const encoded = encodeAssetCursor(decoded);

    // Assess
    expect(encoded).toBe(PAGED_ASSET_CURSOR);
  });

  it('accepts the standard base64 alphabet and missing padding', () => {
    // Prepare
    const standard = Buffer.from(Buffer.from(FIRST_ASSET_CURSOR, 'base64url')).toString('base64').replace(/=+$/, '');

    // Act
    const cursor = decodeAssetCursor(standard, 'a1');

    // Assess
    expect(cursor.next.operatorName).toBe('Alpha');
  });

  it.each([
    ['text that is not base64', 'not base64!'],
    ['base64 that is not JSON', Buffer.from('{nope').toString('base64')],
    ['JSON that is not an object', base64Json(['a'])],
    ['a next without a page', base64Json({ next: { Alpha: ALPHA }, remaining: [{ Alpha: ALPHA }] })],
    ['a negative page', base64Json({ next: { Alpha: ALPHA, page: -1 }, remaining: [{ Alpha: ALPHA }] })],
    ['a fractional page', base64Json({ next: { Alpha: ALPHA, page: 0.5 }, remaining: [{ Alpha: ALPHA }] })],
    ['an empty remaining list', base64Json({ next: { Alpha: ALPHA, page: 0 }, remaining: [] })],
    ['a next with two operators', base64Json({ next: { Alpha: ALPHA, Beta: BETA, page: 0 }, remaining: [] })],
    [
      'a next that is not the first remaining',
      base64Json({ next: { Alpha: ALPHA, page: 0 }, remaining: [{ Beta: BETA }] }),
    ],
    [
      'a pointer into another asset',
      base64Json({
        next: { op: 'private/assets/a2/workflows/w/op.json', page: 0 },
        remaining: [{ op: 'private/assets/a2/workflows/w/op.json' }],
      }),
    ],
    ['a pointer to another operator', base64Json({ next: { op: ALPHA, page: 0 }, remaining: [{ op: ALPHA }] })],
    [
      'a pointer outside the metadata layout',
      base64Json({ next: { Alpha: 'private/assets/a1/', page: 0 }, remaining: [{ Alpha: 'private/assets/a1/' }] }),
    ],
    [
      'a later entry pointing elsewhere',
      base64Json({ next: { Alpha: ALPHA, page: 0 }, remaining: [{ Alpha: ALPHA }, { Beta: 'secrets/Beta.json' }] }),
    ],
  ])('rejects %s with a 400', (_, text) => {
    // Prepare: the cursor text

    // Act
    const act = () => decodeAssetCursor(text, 'a1');

    // Assess
    expect(act).toThrow(BadRequestError);
    expect(act).toThrow(/^Invalid cursor: /);
  });
});

describe('decodeOperatorCursor', () => {
  it('reads the page the original put in an operator cursor', () => {
    // Prepare: an operator cursor of the original

    // Act
    const next = decodeOperatorCursor(OPERATOR_CURSOR, 'a1', 'Beta');

    // Assess
    expect(next).toEqual({ operatorName: 'Beta', pointer: BETA, page: 1 });
  });

  it('accepts a cursor from the asset-wide listing for the same operator, as the original does', () => {
    // Prepare: an asset-wide cursor whose next entry is Beta

    // Act
    const next = decodeOperatorCursor(PAGED_ASSET_CURSOR, 'a1', 'Beta');

    // Assess
    expect(next.page).toBe(1);
  });

  it('rejects a cursor for another operator', () => {
    // Prepare: a cursor for Beta

    // Act
    const act = () => decodeOperatorCursor(OPERATOR_CURSOR, 'a1', 'Alpha');

    // Assess
    expect(act).toThrow(BadRequestError);
  });

  it('rejects a cursor for another asset', () => {
    // Prepare: a cursor for asset a1

    // Act
    const act = () => decodeOperatorCursor(OPERATOR_CURSOR, 'a2', 'Beta');

    // Assess
    expect(act).toThrow(BadRequestError);
  });
});
