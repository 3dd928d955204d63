import { InvalidInputError } from '../../../lambdas/m2a-mediapackage/domain/errors';
import {
  checkPlaceholders,
  findPlaceholders,
  render,
  type MacroValues,
} from '../../../lambdas/m2a-mediapackage/domain/render';

const macros: MacroValues = {
  'm2a:reference_id': 'Live Event 1',
  'm2a:cloud_env': 'prod',
  'm2a:organisation_id': '00000000-0000-0000-0000-00000000000a',
  'm2a:resource_id': '00000000-1111-0000-0000-00000000000a',
  'm2a:aws_account_id': '123456789012',
};
const renderWith = (document: unknown, config: Record<string, unknown>) =>
  render(document, { config: new Map(Object.entries(config)), macros });

describe('template rendering', () => {
  it('keeps the type of a value that is exactly one placeholder', () => {
    const rendered = renderWith(
      {
        window: '{{config:window}}',
        iframe: '{{config:iframe}}',
        selection: '{{config:selection}}',
        list: '{{config:list}}',
      },
      { window: 60, iframe: true, selection: { StreamOrder: 'ORIGINAL' }, list: ['a'] },
    );

    expect(rendered).toEqual({ window: 60, iframe: true, selection: { StreamOrder: 'ORIGINAL' }, list: ['a'] });
  });

  it('writes scalars into text, placeholder by placeholder, with spaces inside the braces allowed', () => {
    expect(
      renderWith('{{ config:name }} at {{config:window}}s ({{m2a:cloud_env}})', { name: 'Final', window: 30 }),
    ).toBe('Final at 30s (prod)');
  });

  it('fills every macro the original documents', () => {
    expect(
      renderWith(
        ['{{m2a:reference_id}}', '{{m2a:organisation_id}}', '{{m2a:resource_id}}', '{{m2a:aws_account_id}}'],
        {},
      ),
    ).toEqual(['Live Event 1', macros['m2a:organisation_id'], macros['m2a:resource_id'], '123456789012']);
  });

  it('does not render inserted values again', () => {
    expect(renderWith('{{config:a}}', { a: '{{config:b}}', b: 'no' })).toBe('{{config:b}}');
  });

  it('keeps null, numbers and booleans of the template as they are', () => {
    expect(renderWith({ a: null, b: 2, c: false, d: [] }, {})).toEqual({ a: null, b: 2, c: false, d: [] });
  });

  it('refuses an object or array inside a text, and a missing config value, naming where', () => {
    expect(() => renderWith({ Description: 'x {{config:o}}' }, { o: { a: 1 } })).toThrow(/cannot be part of a text/);
    expect(() => renderWith({ Description: '{{config:gone}}' }, {})).toThrow(/config "gone" is required/);
    try {
      renderWith({ Tags: { a: 'x {{config:o}}' } }, { o: [1] });
    } catch (error) {
      expect((error as InvalidInputError).source).toEqual({ pointer: '/Tags/a' });
    }
  });

  it('finds placeholders with their JSON pointers and refuses malformed ones and ones in member names', () => {
    expect(findPlaceholders({ a: ['{{config:x}}'], 'b/c': '{{m2a:cloud_env}} {{config:y}}' })).toEqual([
      { kind: 'config', name: 'x', pointer: '/a/0' },
      { kind: 'm2a', name: 'cloud_env', pointer: '/b~1c' },
      { kind: 'config', name: 'y', pointer: '/b~1c' },
    ]);
    expect(() => findPlaceholders({ a: '{{secret:x}}' })).toThrow(InvalidInputError);
    expect(() => findPlaceholders({ a: '{{config:}}' })).toThrow(InvalidInputError);
    expect(() => findPlaceholders({ '{{config:x}}': 1 })).toThrow(/values only/);
    expect(findPlaceholders({ a: 'no {braces} here {{' })).toEqual([]);
  });

  it('accepts declared config and known macros only', () => {
    const found = findPlaceholders({ a: '{{config:x}}', b: '{{m2a:resource_id}}' });
    expect(() => checkPlaceholders(found, new Set(['x']))).not.toThrow();
    expect(() => checkPlaceholders(found, new Set())).toThrow(/not declared/);
    expect(() => checkPlaceholders(findPlaceholders({ a: '{{m2a:password}}' }), new Set())).toThrow(/not a macro/);
  });
});
