/**
 * Web captions, the original's caption format: a list of `{start, end, caption}` lines (seconds), made from a
 * Transcribe transcript and turned into SRT or WebVTT. Plain functions; the operators in `operator.ts` store them.
 */

export interface WebCaption {
  start: number | string;
  end: number | string;
  caption: string;
  /** Per word of a transcribed line: the word in lower case and Transcribe's confidence. */
  wordConfidence?: { w: string; c: number }[];
  /** On a translated line: the line it translates. */
  sourceCaption?: string;
}

/** The items of a Transcribe transcript JSON, in the members read here. */
export interface TranscriptItemJson {
  type?: string;
  start_time?: string;
  end_time?: string;
  alternatives?: { content?: string; confidence?: string }[];
}

const MAX_LENGTH = 120;
const MAX_WORDS = 25;
const MAX_SILENCE_SECONDS = 1.5;

/**
 * The original's line breaking: a line ends after 25 words or 120 characters, at `.`, `?` or `!`, or where a silence
 * of more than 1.5 s starts a new one; punctuation at the start of a line is dropped. Each transcript is a
 * `{results: {items}}` JSON, as the TranscribeVideo operator stores it.
 */
export function transcriptToWebCaptions(transcripts: readonly unknown[]): WebCaption[] {
  const captions: WebCaption[] = [];
  type Line = Omit<WebCaption, 'end'> & { end?: number; wordConfidence: { w: string; c: number }[] };
  let caption: Line | undefined;
  let endTime = 0;
  let words = 0;
  const items = transcripts.flatMap(
    (transcript) =>
      ((transcript as { results?: { items?: TranscriptItemJson[] } }).results?.items ?? []) as TranscriptItemJson[],
  );
  for (const item of items) {
    const punctuation = item.type === 'punctuation';
    if (caption === undefined) {
      if (punctuation) continue;
      caption = { start: Number(item.start_time), caption: '', wordConfidence: [] };
    }
    if (!punctuation) {
      const start = Number(item.start_time);
      if (caption.caption.length > 0 && endTime + MAX_SILENCE_SECONDS < start) {
        captions.push({ ...caption, end: start });
        caption = { start, caption: '', wordConfidence: [] };
        words = 0;
      }
      endTime = Number(item.end_time);
    }
    if (!punctuation && caption.caption.length > 0) caption.caption += ' ';
    const text = item.alternatives?.[0]?.content ?? '';
    caption.caption += text;
    if (!punctuation) {
      caption.wordConfidence.push({ w: text.toLowerCase(), c: Number(item.alternatives?.[0]?.confidence ?? 0) });
      words += 1;
    }
    // Python's `text in "...?!"`: any run of the sentence-ending marks (and the empty string).
    if (words >= MAX_WORDS || caption.caption.length >= MAX_LENGTH || (punctuation && '...?!'.includes(text))) {
      captions.push({ ...caption, end: endTime });
      words = 0;
      caption = undefined;
    }
  }
  if (caption !== undefined) captions.push({ ...caption, end: endTime });
  return captions;
}

/** `HH:MM:SS<separator>mmm`, computed as the original does (so a float's rounding lands where it did there). */
export function formatCaptionTime(timeSeconds: number, separator: ',' | '.'): string {
  const hours = Math.floor(timeSeconds / 3600);
  let remainder = timeSeconds - hours * 3600;
  const minutes = Math.floor(remainder / 60);
  remainder -= minutes * 60;
  const seconds = Math.floor(remainder);
  remainder -= seconds;
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${separator}${pad(Math.floor(remainder * 1000), 3)}`;
}

export function webCaptionsToSrt(captions: readonly WebCaption[]): string {
  return captions
    .map(
      (caption, index) =>
        `${index + 1}\n${formatCaptionTime(Number(caption.start), ',')} --> ` +
        `${formatCaptionTime(Number(caption.end), ',')}\n${caption.caption}\n\n`,
    )
    .join('');
}

export function webCaptionsToVtt(captions: readonly WebCaption[]): string {
  return (
    'WEBVTT\n\n' +
    captions
      .map(
        (caption) =>
          `${formatCaptionTime(Number(caption.start), '.')} --> ${formatCaptionTime(Number(caption.end), '.')}\n` +
          `${caption.caption}\n\n`,
      )
      .join('')
  );
}

/** `[HH:]MM:SS.mmm` in seconds, as a string (the original keeps the VTT times of existing subtitles as strings). */
function vttSeconds(time: string): string {
  const parts = time.trim().split(':');
  const [hours, minutes, seconds] = parts.length === 3 ? parts : ['0', ...parts];
  const total = 3600 * Number.parseInt(hours ?? '0', 10) + 60 * Number.parseInt(minutes ?? '0', 10) + Number(seconds);
  return Number.isInteger(total) ? total.toFixed(1) : String(total);
}

/** The cues of a WebVTT file as web captions (multi-line cue text joined with newlines, as `webvtt-py` does). */
export function vttToWebCaptions(vtt: string): WebCaption[] {
  const blocks = vtt.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  const captions: WebCaption[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter((line) => line !== '');
    const timing = lines.findIndex((line) => line.includes('-->'));
    if (timing < 0) continue;
    const [start = '', rest = ''] = lines[timing]!.split('-->');
    const end = rest.trim().split(/\s+/)[0] ?? '';
    captions.push({ start: vttSeconds(start), end: vttSeconds(end), caption: lines.slice(timing + 1).join('\n') });
  }
  return captions;
}

/** The captions' text run together, as the original's text-only transcript of web captions. */
export function webCaptionsText(captions: readonly WebCaption[]): string {
  return captions.map((caption) => caption.caption).join('');
}

/**
 * The Polly language (and so its voices) for a Translate language, as the original maps them; `undefined` for the
 * languages it leaves without speech.
 */
const POLLY_LANGUAGES: Readonly<Record<string, string>> = {
  ar: 'arb', zh: 'cmn-CN', 'zh-TW': 'cmn-CN', da: 'da-DK', de: 'de-DE', en: 'en-GB', es: 'es-ES', 'es-MX': 'es-MX',
  fr: 'fr-FR', 'fr-CA': 'fr-CA', it: 'it-IT', ja: 'ja-JP', hi: 'hi-IN', ko: 'ko-KR', no: 'nb-NO', nl: 'nl-NL',
  pl: 'pl-PL', pt: 'pt-PT', ro: 'ro-RO', ru: 'ru-RU', sv: 'sv-SE', tr: 'tr-TR',
}; // prettier-ignore

export function pollyLanguageCode(translateLanguageCode: string): string | undefined {
  return POLLY_LANGUAGES[translateLanguageCode];
}
