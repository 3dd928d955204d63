/** One subtitle or caption cue, times in milliseconds from the start of the media. */
export interface Cue {
  readonly begin: number;
  readonly end: number;
  /** The cue's text as authored, lines separated by `\n` (markup kept). */
  readonly text: string;
}

export type SubtitleFormat = 'vtt' | 'srt';

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(?:\s+.*)?$/;

/**
 * Parses WebVTT or SubRip text into cues, leniently as players do: a BOM, CRLF line ends, cue identifiers, cue
 * settings, `NOTE`/`STYLE`/`REGION` blocks and blocks without a timing line are all accepted, and a cue whose end is
 * not after its begin is dropped.
 */
export function parseSubtitles(text: string): Cue[] {
  const blocks = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/);
  const cues: Cue[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    const timingLine = lines.findIndex((line) => line.includes('-->'));
    if (timingLine < 0 || timingLine > 1) continue;
    const timing = TIMING.exec(lines[timingLine]!);
    if (!timing) continue;
    const begin = parseTimestamp(timing[1]!);
    const end = parseTimestamp(timing[2]!);
    const body = lines
      .slice(timingLine + 1)
      .join('\n')
      .trim();
    if (end <= begin || body.length === 0) continue;
    cues.push({ begin, end, text: body });
  }
  return cues;
}

/** `hh:mm:ss.mmm`, `mm:ss.mmm` or SubRip's `hh:mm:ss,mmm` in milliseconds. */
export function parseTimestamp(value: string): number {
  const [clock, fraction = '0'] = value.trim().replace(',', '.').split('.');
  const parts = clock!.split(':').map(Number);
  const seconds = parts.reduce((total, part) => total * 60 + part, 0);
  return seconds * 1000 + Math.round(Number(`0.${fraction}`) * 1000);
}

export function formatTimestamp(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = Math.floor((total % 60_000) / 1000);
  const millis = total % 1000;
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(millis, 3)}`;
}

/** A WebVTT document of the cues, whatever format they came from. */
export function toWebVtt(cues: readonly Cue[]): string {
  const body = cues.map((cue) => `${formatTimestamp(cue.begin)} --> ${formatTimestamp(cue.end)}\n${cue.text}`);
  return ['WEBVTT', ...body].join('\n\n') + '\n';
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', nbsp: ' ', quot: '"', apos: "'" };

/**
 * The words a viewer reads: markup (`<i>`, `<c.yellow>`, `<00:00:01.000>`, SSA overrides `{\an8}`) removed,
 * entities decoded, lines joined by spaces, a leading speaker dash kept.
 */
export function plainText(text: string): string {
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/\{\\[^}]*\}/g, '')
    .replace(/&(#\d+|[a-z]+);/gi, (entity, name: string) =>
      name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (ENTITIES[name.toLowerCase()] ?? entity),
    )
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
