/**
 * The original operator stores `json.loads(MediaInfo.parse(url).to_json())` of pymediainfo 6.0.1, which reads
 * MediaInfoLib's `OLDXML` report with `Complete=1`. This module turns the same report into the same document:
 *
 * - `{"tracks": [...]}`, one object per `<track>` in report order, `track_type` first (the `type` attribute);
 * - every field name lower-cased with surrounding `_` removed, `id` renamed `track_id`, values as text (an empty
 *   element is `null`);
 * - a field reported several times keeps its first value and collects the others, in order, in `other_<name>`;
 *   the first value is then made an integer when Python's `int()` accepts it, otherwise the first integer among
 *   the others takes its place and the replaced text is appended to `other_<name>`.
 */

/** A field's value; integers beyond ±2^53 (128-bit unique ids) are bigints, exact as Python's `int()` makes them. */
export type TrackValue = string | number | bigint | null | (string | null)[];
export type PymediainfoTrack = { track_type: string } & Record<string, TrackValue>;

export interface PymediainfoDocument {
  tracks: PymediainfoTrack[];
}

const TRACK = /<track\b([^>]*?)(?:\/>|>([\s\S]*?)<\/track\s*>)/g;
const FIELD = /<([A-Za-z_][\w.-]*)\b[^>]*?(?:\/>|>([\s\S]*?)<\/\1\s*>)/g;
const TYPE_ATTRIBUTE = /\btype\s*=\s*(?:"([^"]*)"|'([^']*)')/;

export function pymediainfoDocument(oldXml: string): PymediainfoDocument {
  const tracks: PymediainfoTrack[] = [];
  for (const match of oldXml.matchAll(TRACK)) {
    const type = TYPE_ATTRIBUTE.exec(match[1] ?? '');
    tracks.push(pymediainfoTrack(decodeText(type?.[1] ?? type?.[2] ?? ''), match[2] ?? ''));
  }
  return { tracks };
}

function pymediainfoTrack(trackType: string, body: string): PymediainfoTrack {
  const track: Record<string, TrackValue> = { track_type: trackType };
  const repeated: [primary: string, other: string][] = [];
  for (const field of body.matchAll(FIELD)) {
    let name = stripUnderscores(field[1]!.toLowerCase().trim());
    if (name === 'id') name = 'track_id';
    const text = field[2] === undefined || field[2] === '' ? null : decodeText(field[2]);
    // pymediainfo tests `getattr(track, name) is None`: a field first seen empty is taken over by its next value.
    if (!Object.hasOwn(track, name) || track[name] === null) {
      track[name] = text;
    } else {
      const other = `other_${name}`;
      repeated.push([name, other]);
      const values = track[other];
      if (Array.isArray(values)) values.push(text);
      else track[other] = [text];
    }
  }
  for (const [primary, other] of repeated) {
    const asInteger = pythonInt(track[primary]);
    if (asInteger !== undefined) {
      track[primary] = asInteger;
      continue;
    }
    const others = track[other] as (string | null)[];
    for (const value of others) {
      const candidate = pythonInt(value);
      if (candidate === undefined) continue;
      others.push(track[primary] as string | null);
      track[primary] = candidate;
      break;
    }
  }
  return track as PymediainfoTrack;
}

/** What Python's `int()` makes of a value, or `undefined` where it raises. */
export function pythonInt(value: TrackValue | undefined): number | bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*[+-]?\d+(?:_\d+)*\s*$/.test(value)) return undefined;
  const digits = value.replace(/_/g, '').trim();
  const number = Number(digits);
  return Number.isSafeInteger(number) ? number : BigInt(digits);
}

function stripUnderscores(name: string): string {
  return name.replace(/^_+|_+$/g, '');
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(text: string): string {
  const cdata = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(text);
  if (cdata) return cdata[1]!;
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (entity, code: string) => {
    if (code.startsWith('#x')) return String.fromCodePoint(Number.parseInt(code.slice(2), 16));
    if (code.startsWith('#')) return String.fromCodePoint(Number.parseInt(code.slice(1), 10));
    return ENTITIES[code] ?? entity;
  });
}
