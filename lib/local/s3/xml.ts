import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { malformedXml } from './errors';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });

/** `<?xml …?>` and one root element; arrays become repeated elements, `undefined` members are left out. */
export function xmlDocument(root: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: body }) as string}`;
}

/**
 * Parses a request document (CompleteMultipartUpload, Delete) with values kept as sent: never trimmed or turned
 * into numbers, since object keys may have spaces at either end or look like numbers. Elements named in `lists`
 * are always arrays. A document type declaration is refused rather than expanded, as S3 does.
 */
export function parseXmlBody(body: Buffer, lists: readonly string[]): Record<string, unknown> {
  const text = body.toString('utf8');
  if (/<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true) throw malformedXml();
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => lists.includes(name),
  });
  return parser.parse(text) as Record<string, unknown>;
}

/** The text of a child element, `undefined` when it is absent or not text. */
export function textOf(element: unknown, name: string): string | undefined {
  if (typeof element !== 'object' || element === null) return undefined;
  const value = (element as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
