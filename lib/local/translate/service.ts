import * as path from 'node:path';
import { francAll } from 'franc-min';
import { page, RecordStore } from '../ai-support/records';
import { ObjectAccessError, parseS3Uri, type S3Location, type ServiceObjects } from '../ai-support/s3-objects';
import type { SignedLinks } from '../ai-support/signed-links';
import { Validator } from '../ai-support/validation';
import { WorkQueue } from '../ai-support/work-queue';
import { AwsError } from '../protocol/wire';
import type { ApertiumTranslator } from './engine';
import {
  formatTerminology,
  parseTerminology,
  TerminologyFormatError,
  termPairs,
  type TermTable,
  type TerminologyFormat,
} from './terminology';

/** Amazon Translate's languages and their English names (ListLanguages with DisplayLanguageCode `en`). */
export const TRANSLATE_LANGUAGES: Readonly<Record<string, string>> = {
  af: 'Afrikaans', sq: 'Albanian', am: 'Amharic', ar: 'Arabic', hy: 'Armenian', az: 'Azerbaijani', bn: 'Bengali',
  bs: 'Bosnian', bg: 'Bulgarian', ca: 'Catalan', zh: 'Chinese (Simplified)', 'zh-TW': 'Chinese (Traditional)',
  hr: 'Croatian', cs: 'Czech', da: 'Danish', 'fa-AF': 'Dari', nl: 'Dutch', en: 'English', et: 'Estonian',
  fa: 'Farsi (Persian)', tl: 'Filipino, Tagalog', fi: 'Finnish', fr: 'French', 'fr-CA': 'French (Canada)',
  ka: 'Georgian', de: 'German', el: 'Greek', gu: 'Gujarati', ht: 'Haitian Creole', ha: 'Hausa', he: 'Hebrew',
  hi: 'Hindi', hu: 'Hungarian', is: 'Icelandic', id: 'Indonesian', ga: 'Irish', it: 'Italian', ja: 'Japanese',
  kn: 'Kannada', kk: 'Kazakh', ko: 'Korean', lv: 'Latvian', lt: 'Lithuanian', mk: 'Macedonian', ms: 'Malay',
  ml: 'Malayalam', mt: 'Maltese', mr: 'Marathi', mn: 'Mongolian', no: 'Norwegian (Bokmål)', ps: 'Pashto',
  pl: 'Polish', pt: 'Portuguese (Brazil)', 'pt-PT': 'Portuguese (Portugal)', pa: 'Punjabi', ro: 'Romanian',
  ru: 'Russian', sr: 'Serbian', si: 'Sinhala', sk: 'Slovak', sl: 'Slovenian', so: 'Somali', es: 'Spanish',
  'es-MX': 'Spanish (Mexico)', sw: 'Swahili', sv: 'Swedish', ta: 'Tamil', te: 'Telugu', th: 'Thai', tr: 'Turkish',
  uk: 'Ukrainian', ur: 'Urdu', uz: 'Uzbek', vi: 'Vietnamese', cy: 'Welsh',
}; // prettier-ignore

/** franc-min's ISO 639-3 codes for the languages Translate reads, for `SourceLanguageCode: auto`. */
const FRANC_TO_TRANSLATE: Readonly<Record<string, string>> = {
  eng: 'en', spa: 'es', fra: 'fr', deu: 'de', ita: 'it', por: 'pt', nld: 'nl', cat: 'ca', glg: 'es', ron: 'ro',
  rus: 'ru', ukr: 'uk', pol: 'pl', ces: 'cs', slk: 'sk', slv: 'sl', hrv: 'hr', srp: 'sr', bos: 'bs', bul: 'bg',
  hun: 'hu', fin: 'fi', swe: 'sv', dan: 'da', nob: 'no', ell: 'el', tur: 'tr', arb: 'ar', heb: 'he', pes: 'fa',
  urd: 'ur', hin: 'hi', ben: 'bn', tam: 'ta', tel: 'te', mar: 'mr', guj: 'gu', kan: 'kn', mal: 'ml', pan: 'pa',
  cmn: 'zh', jpn: 'ja', kor: 'ko', vie: 'vi', tha: 'th', ind: 'id', zlm: 'ms', tgl: 'tl', swh: 'sw', amh: 'am',
  hau: 'ha', som: 'so', azj: 'az', uzn: 'uz', kaz: 'kk', lit: 'lt', lav: 'lv', ekk: 'et', afr: 'af', hat: 'ht',
}; // prettier-ignore

const LANGUAGE_CODE = { min: 2, max: 5 };
const NAME = /^([A-Za-z0-9-]_?)+$/;
const MAX_TEXT_BYTES = 10_000;
const MAX_TERMINOLOGY_BYTES = 10 * 1024 * 1024;
/** How long a link to a terminology or parallel data file works, as Translate's pre-signed URLs (30 minutes). */
const LINK_SECONDS = 30 * 60;

const validation = 'ValidationException';
const invalidParameter = (message: string) => new AwsError('InvalidParameterValueException', message, 400);
const invalidRequest = (message: string) => new AwsError('InvalidRequestException', message, 400);
const notFound = (message: string) => new AwsError('ResourceNotFoundException', message, 400);

interface TerminologyRecord {
  readonly name: string;
  readonly description?: string;
  readonly format: TerminologyFormat;
  readonly directionality: 'UNI' | 'MULTI';
  readonly table: TermTable;
  readonly sizeBytes: number;
  readonly createdMs: number;
  readonly updatedMs: number;
  readonly skipped: number;
}

interface ParallelDataRecord {
  readonly name: string;
  description?: string;
  status: 'CREATING' | 'UPDATING' | 'ACTIVE' | 'DELETING' | 'FAILED';
  readonly config: { S3Uri: string; Format: TerminologyFormat };
  readonly createdMs: number;
  updatedMs: number;
  table?: TermTable;
  sizeBytes?: number;
  message?: string;
  failed?: number;
}

export interface TranslateOptions {
  readonly directory: string;
  readonly region: string;
  readonly accountId: string;
  readonly translator: ApertiumTranslator;
  readonly objects: ServiceObjects;
  readonly links: SignedLinks;
  endpoint(): string;
  readonly now?: () => number;
}

/**
 * Amazon Translate's real-time API: TranslateText (Apertium), ListLanguages, custom terminologies applied to the
 * output, and parallel data resources (kept and served; only batch translation jobs use them, which this stand-in
 * does not run).
 */
export class LocalTranslate {
  private readonly terminologies: RecordStore<TerminologyRecord>;
  private readonly parallelData: RecordStore<ParallelDataRecord>;
  private readonly queue: WorkQueue;
  private readonly now: () => number;

  constructor(private readonly options: TranslateOptions) {
    this.terminologies = new RecordStore(path.join(options.directory, 'terminologies'));
    this.parallelData = new RecordStore(path.join(options.directory, 'parallel-data'));
    this.now = options.now ?? Date.now;
    this.queue = new WorkQueue((name) => this.importParallelData(name));
    for (const record of this.parallelData.all()) {
      if (record.status === 'CREATING' || record.status === 'UPDATING') this.queue.enqueue(record.name);
    }
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  async translateText(input: Record<string, unknown>): Promise<unknown> {
    const v = new Validator(input);
    const text = v.string('Text', { required: true, min: 1 }) as string;
    const sourceAsked = v.string('SourceLanguageCode', { required: true, ...LANGUAGE_CODE }) as string;
    const target = v.string('TargetLanguageCode', { required: true, ...LANGUAGE_CODE }) as string;
    const names = (v.list('TerminologyNames') ?? []) as string[];
    const settings = v.object('Settings');
    const formality = settings?.string('Formality', { values: ['FORMAL', 'INFORMAL'] });
    const profanity = settings?.string('Profanity', { values: ['MASK'] });
    const brevity = settings?.string('Brevity', { values: ['ON'] });
    v.check(validation);
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_TEXT_BYTES) {
      throw new AwsError(
        'TextSizeLimitExceededException',
        `Input text size exceeds limit. Max length of request text allowed is ${MAX_TEXT_BYTES} bytes while in this request the text size is ${bytes} bytes`,
        400,
      );
    }
    if (names.length > 1) throw invalidParameter('Only one terminology can be applied to a request.');
    if (formality !== undefined || brevity !== undefined) {
      throw invalidRequest('Local mode does not apply the Formality or Brevity settings: Apertium has no such option.');
    }
    for (const code of [sourceAsked, target]) {
      if (code !== 'auto' && !(code in TRANSLATE_LANGUAGES)) {
        throw unsupportedPair(sourceAsked, target, `Unsupported language code: ${code}`);
      }
    }
    if (target === 'auto') throw invalidParameter('The target language code cannot be auto.');
    const source = sourceAsked === 'auto' ? detectSource(text) : sourceAsked;
    if (source === target) throw invalidRequest(`The source language and the target language are the same: ${source}.`);
    const terminology = names[0] !== undefined ? this.terminologies.get(names[0]) : undefined;
    if (names[0] !== undefined && !terminology) {
      throw notFound(`The terminology ${names[0]} could not be found. Check the name and try your request again.`);
    }
    const pair = this.options.translator.check(source, target);
    if ('missing' in pair) throw unsupportedPair(source, target, pair.missing);

    const pairs = terminology ? termPairs(terminology.table, terminology.directionality, source, target) : [];
    // Terms found in the text are swapped for words Apertium leaves alone, then for the terminology's translations.
    const applied: Array<{ SourceText: string; TargetText: string }> = [];
    let prepared = text;
    const placeholders: string[] = [];
    for (const term of [...pairs].sort((a, b) => b.sourceText.length - a.sourceText.length)) {
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(term.sourceText)}(?![\\p{L}\\p{N}])`, 'giu');
      if (!pattern.test(prepared)) continue;
      const marker = `Xqterm${placeholders.length}x`;
      placeholders.push(term.targetText);
      prepared = prepared.replace(pattern, marker);
      applied.push({ SourceText: term.sourceText, TargetText: term.targetText });
    }
    let translated = await this.options.translator.translate(pair.mode, prepared.trim());
    placeholders.forEach((targetText, index) => {
      translated = translated.split(`Xqterm${index}x`).join(targetText);
    });
    translated = `${leading(text)}${translated.trim()}${trailing(text)}`;
    if (profanity === 'MASK') translated = maskProfanity(translated);
    return {
      TranslatedText: translated,
      SourceLanguageCode: source,
      TargetLanguageCode: target,
      ...(terminology ? { AppliedTerminologies: [{ Name: terminology.name, Terms: applied }] } : {}),
      ...(profanity !== undefined ? { AppliedSettings: { Profanity: profanity } } : {}),
    };
  }

  listLanguages(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const display = v.string('DisplayLanguageCode', {
      values: ['de', 'en', 'es', 'fr', 'it', 'ja', 'ko', 'pt', 'zh', 'zh-TW'],
    });
    const maxResults = v.number('MaxResults', { min: 1, max: 500 });
    const nextToken = v.string('NextToken', { max: 8192 });
    v.check(validation);
    if (display !== undefined && display !== 'en') {
      throw new AwsError(
        'UnsupportedDisplayLanguageCodeException',
        `Local mode names languages in English only; ${display} isn't available.`,
        400,
      );
    }
    const languages = Object.entries(TRANSLATE_LANGUAGES)
      .map(([code, name]) => ({ LanguageName: name, LanguageCode: code }))
      .sort((a, b) => a.LanguageName.localeCompare(b.LanguageName));
    const listed = page(languages, { maxResults, nextToken, defaultMax: 500, scope: 'languages' }, () =>
      invalidParameter('Invalid NextToken'),
    );
    return {
      Languages: listed.items,
      DisplayLanguageCode: 'en',
      ...(listed.nextToken !== undefined ? { NextToken: listed.nextToken } : {}),
    };
  }

  // ---- terminologies ----

  importTerminology(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const name = v.string('Name', { required: true, min: 1, max: 256, pattern: NAME }) as string;
    v.string('MergeStrategy', { required: true, values: ['OVERWRITE'] });
    const description = v.string('Description', { max: 256 });
    const data = v.object('TerminologyData', true);
    const file = data?.string('File', { required: true });
    const format = data?.string('Format', { required: true, values: ['CSV', 'TMX', 'TSV'] }) as TerminologyFormat;
    const directionality = (data?.string('Directionality', { values: ['UNI', 'MULTI'] }) ?? 'UNI') as 'UNI' | 'MULTI';
    v.list('Tags');
    v.check(validation);
    const bytes = Buffer.from(file as string, 'base64');
    if (bytes.length === 0) throw invalidParameter('The terminology file is empty.');
    if (bytes.length > MAX_TERMINOLOGY_BYTES) {
      throw new AwsError('LimitExceededException', 'The terminology file exceeds the 10 MB limit.', 400);
    }
    let table: TermTable;
    try {
      table = parseTerminology(bytes, format);
    } catch (error) {
      if (error instanceof TerminologyFormatError) throw invalidParameter(error.message);
      throw error;
    }
    for (const code of table.languages) {
      if (!(code in TRANSLATE_LANGUAGES))
        throw invalidParameter(`The terminology uses an unsupported language code: ${code}.`);
    }
    const usable = table.rows.filter((row) => row.filter((term) => term !== undefined).length >= 2);
    const existing = this.terminologies.get(name);
    const now = this.now();
    const record: TerminologyRecord = {
      name,
      ...(description !== undefined ? { description } : {}),
      format,
      directionality,
      table: { languages: table.languages, rows: usable },
      sizeBytes: bytes.length,
      createdMs: existing?.createdMs ?? now,
      updatedMs: now,
      skipped: table.rows.length - usable.length,
    };
    this.terminologies.put(name, record);
    return { TerminologyProperties: this.terminologyProperties(record) };
  }

  getTerminology(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const name = v.string('Name', { required: true, min: 1, max: 256, pattern: NAME }) as string;
    const format = v.string('TerminologyDataFormat', { values: ['CSV', 'TMX', 'TSV'] }) as
      TerminologyFormat | undefined;
    v.check(validation);
    const record = this.terminologies.get(name);
    if (!record)
      throw notFound(`The terminology ${name} could not be found. Check the name and try your request again.`);
    const served = format ?? record.format;
    const file = `terminologies/${name}.${served.toLowerCase()}`;
    this.options.links.store(
      file,
      formatTerminology(record.table, served),
      served === 'TMX' ? 'application/xml' : 'text/plain',
    );
    return {
      TerminologyProperties: this.terminologyProperties(record),
      TerminologyDataLocation: {
        RepositoryType: 'S3',
        Location: this.options.links.link(this.options.endpoint(), file, LINK_SECONDS, this.now()),
      },
    };
  }

  listTerminologies(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const maxResults = v.number('MaxResults', { min: 1, max: 500 });
    const nextToken = v.string('NextToken', { max: 8192 });
    v.check(validation);
    const listed = page(
      this.terminologies.all().sort((a, b) => a.name.localeCompare(b.name)),
      { maxResults, nextToken, defaultMax: 100, scope: 'terminologies' },
      () => invalidParameter('Invalid NextToken'),
    );
    return {
      TerminologyPropertiesList: listed.items.map((record) => this.terminologyProperties(record)),
      ...(listed.nextToken !== undefined ? { NextToken: listed.nextToken } : {}),
    };
  }

  deleteTerminology(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const name = v.string('Name', { required: true, min: 1, max: 256, pattern: NAME }) as string;
    v.check(validation);
    if (!this.terminologies.delete(name)) {
      throw notFound(`The terminology ${name} could not be found. Check the name and try your request again.`);
    }
    this.options.links.remove(`terminologies/${name}.csv`);
    this.options.links.remove(`terminologies/${name}.tsv`);
    this.options.links.remove(`terminologies/${name}.tmx`);
    return {};
  }

  private terminologyProperties(record: TerminologyRecord): Record<string, unknown> {
    const [source, ...targets] = record.table.languages;
    return {
      Name: record.name,
      ...(record.description !== undefined ? { Description: record.description } : {}),
      Arn: `arn:aws:translate:${this.options.region}:${this.options.accountId}:terminology/${record.name}/LATEST`,
      SourceLanguageCode: source,
      TargetLanguageCodes: record.directionality === 'MULTI' ? record.table.languages : targets,
      SizeBytes: record.sizeBytes,
      TermCount: record.table.rows.length,
      CreatedAt: new Date(record.createdMs),
      LastUpdatedAt: new Date(record.updatedMs),
      Directionality: record.directionality,
      SkippedTermCount: record.skipped,
      Format: record.format,
    };
  }

  // ---- parallel data ----

  createParallelData(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const name = v.string('Name', { required: true, min: 1, max: 256, pattern: NAME }) as string;
    const description = v.string('Description', { max: 256 });
    const config = v.object('ParallelDataConfig', true);
    const s3Uri = config?.string('S3Uri', {
      required: true,
      max: 1024,
      pattern: /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/,
    });
    const format = config?.string('Format', { required: true, values: ['TSV', 'CSV', 'TMX'] });
    v.string('ClientToken', { required: true, min: 1, max: 64 });
    v.list('Tags');
    v.check(validation);
    if (this.parallelData.get(name)) {
      throw new AwsError('ConflictException', `Parallel data ${name} already exists.`, 409);
    }
    const now = this.now();
    const record: ParallelDataRecord = {
      name,
      ...(description !== undefined ? { description } : {}),
      status: 'CREATING',
      config: { S3Uri: s3Uri as string, Format: format as TerminologyFormat },
      createdMs: now,
      updatedMs: now,
    };
    this.parallelData.put(name, record);
    this.queue.enqueue(name);
    return { Name: name, Status: record.status };
  }

  getParallelData(input: Record<string, unknown>): unknown {
    const record = this.findParallelData(input);
    return {
      ParallelDataProperties: this.parallelDataProperties(record),
      ...(record.table
        ? {
            DataLocation: {
              RepositoryType: 'S3',
              Location: this.options.links.link(
                this.options.endpoint(),
                `parallel-data/${record.name}.${record.config.Format.toLowerCase()}`,
                LINK_SECONDS,
                this.now(),
              ),
            },
          }
        : {}),
    };
  }

  listParallelData(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const maxResults = v.number('MaxResults', { min: 1, max: 500 });
    const nextToken = v.string('NextToken', { max: 8192 });
    v.check(validation);
    const listed = page(
      this.parallelData.all().sort((a, b) => a.name.localeCompare(b.name)),
      { maxResults, nextToken, defaultMax: 100, scope: 'parallel-data' },
      () => invalidParameter('Invalid NextToken'),
    );
    return {
      ParallelDataPropertiesList: listed.items.map((record) => this.parallelDataProperties(record)),
      ...(listed.nextToken !== undefined ? { NextToken: listed.nextToken } : {}),
    };
  }

  deleteParallelData(input: Record<string, unknown>): unknown {
    const record = this.findParallelData(input);
    this.queue.cancel(record.name);
    this.parallelData.delete(record.name);
    this.options.links.remove(`parallel-data/${record.name}.${record.config.Format.toLowerCase()}`);
    return { Name: record.name, Status: 'DELETING' };
  }

  private findParallelData(input: Record<string, unknown>): ParallelDataRecord {
    const v = new Validator(input);
    const name = v.string('Name', { required: true, min: 1, max: 256, pattern: NAME }) as string;
    v.check(validation);
    const record = this.parallelData.get(name);
    if (!record) throw notFound(`Parallel data ${name} could not be found.`);
    return record;
  }

  private parallelDataProperties(record: ParallelDataRecord): Record<string, unknown> {
    const [source, ...targets] = record.table?.languages ?? [];
    return {
      Name: record.name,
      Arn: `arn:aws:translate:${this.options.region}:${this.options.accountId}:parallel-data/${record.name}`,
      ...(record.description !== undefined ? { Description: record.description } : {}),
      Status: record.status,
      ...(source !== undefined ? { SourceLanguageCode: source, TargetLanguageCodes: targets } : {}),
      ParallelDataConfig: record.config,
      ...(record.message !== undefined ? { Message: record.message } : {}),
      ...(record.sizeBytes !== undefined ? { ImportedDataSize: record.sizeBytes } : {}),
      ...(record.table ? { ImportedRecordCount: record.table.rows.length } : {}),
      ...(record.failed !== undefined ? { FailedRecordCount: record.failed } : {}),
      SkippedRecordCount: 0,
      CreatedAt: new Date(record.createdMs),
      LastUpdatedAt: new Date(record.updatedMs),
    };
  }

  private async importParallelData(name: string): Promise<void> {
    const record = this.parallelData.get(name);
    if (!record) return;
    try {
      const data = await this.options.objects.read(parseS3Uri(record.config.S3Uri) as S3Location, 5 * 1024 ** 3);
      // Like a terminology file: a header row of language codes (CSV, TSV) or the TMX's languages.
      const table = parseTerminology(data, record.config.Format);
      const complete = table.rows.filter((row) => row.every((cell) => cell !== undefined));
      this.options.links.store(
        `parallel-data/${name}.${record.config.Format.toLowerCase()}`,
        data,
        record.config.Format === 'TMX' ? 'application/xml' : 'text/plain',
      );
      const current = this.parallelData.get(name);
      if (!current) return;
      this.parallelData.put(name, {
        ...current,
        status: 'ACTIVE',
        table: { languages: table.languages, rows: complete },
        sizeBytes: data.length,
        failed: table.rows.length - complete.length,
        updatedMs: this.now(),
      });
    } catch (error) {
      const current = this.parallelData.get(name);
      if (!current) return;
      this.parallelData.put(name, {
        ...current,
        status: 'FAILED',
        updatedMs: this.now(),
        message:
          error instanceof ObjectAccessError
            ? `The parallel data file at ${record.config.S3Uri} can't be read.`
            : (error as Error).message,
      });
    }
  }
}

function unsupportedPair(source: string, target: string, message: string): AwsError {
  return new AwsError(
    'UnsupportedLanguagePairException',
    message.includes(source) ? message : `${source} to ${target}: ${message}`,
    400,
  );
}

/** The text's language for `auto`, as franc reads it (Translate uses Comprehend; this is the stand-in's). */
function detectSource(text: string): string {
  const [best] = francAll(text, { minLength: 3 });
  const code = best ? FRANC_TO_TRANSLATE[best[0]] : undefined;
  if (!code) {
    throw new AwsError(
      'DetectedLanguageLowConfidenceException',
      'The confidence that Amazon Comprehend accurately detected the source language is low. Specify the source language.',
      400,
    );
  }
  return code;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function leading(text: string): string {
  return /^\s*/.exec(text)?.[0] ?? '';
}

function trailing(text: string): string {
  return /\s*$/.exec(text)?.[0] ?? '';
}

/** Translate masks profane words with `?$#@$`; a short list of common English and Spanish ones is masked here. */
const PROFANE = /\b(fuck\w*|shit\w*|bitch\w*|bastard\w*|asshole\w*|mierda|joder|puta\w*|cabr[oó]n\w*)\b/giu;

function maskProfanity(text: string): string {
  return text.replace(PROFANE, '?$#@$');
}
