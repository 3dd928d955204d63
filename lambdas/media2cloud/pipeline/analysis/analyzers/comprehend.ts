import * as path from 'node:path';
import { parseTranscript } from '../../../../shared/ai/transcribe';
import type { AnalysisField, SearchEntry } from '../../../search/document';
import { AnalysisTypes, isEnabled } from '../../domain/ai-options';
import { analysisRawPrefix } from '../../domain/layout';
import { StateStatus } from '../../domain/statuses';
import { phrasesOf, type Phrase } from '../../domain/transcript';
import type { Analyzer, AnalyzerDependencies, AnalyzerOutcome } from '../analyzer';
import { putJson } from './ai-support';

const C = AnalysisTypes.Comprehend;
const CATEGORY = 'comprehend';
const OUTPUT_MANIFEST = 'output.manifest';
const OUTPUT_JSON = 'output.json';
/** Phrases shorter than this are not sent (the original's `MIN_CHARACTERS`). */
const MIN_CHARACTERS = 3;
/** The languages the original sends to Comprehend (two-letter codes, and `zh-TW`). */
const SUPPORTED_LANGUAGES = new Set(['en', 'es', 'fr', 'de', 'it', 'pt', 'ar', 'hi', 'ja', 'ko', 'zh', 'zh-TW']);

/** One finding of Comprehend in a phrase, with the phrase's times (the original's metadata items). */
interface Finding {
  readonly name: string;
  readonly type?: string;
  readonly score: number;
  readonly begin: number;
  readonly end: number;
}

/**
 * Comprehend on the transcript, after Transcribe (as the original's audio state machine runs it): key phrases,
 * entities and sentiment of each phrase, batched, with the phrase's timecodes. Per feature the service's answers
 * in `raw/<ts>/comprehend/<feature>/output.manifest` (one JSON line per batch), the timed findings in
 * `metadata/<feature>/output.json`, and `keyphrase`, `entity`, `sentiment` search entries.
 */
export const comprehendAnalyzer: Analyzer = {
  id: CATEGORY,
  service: 'comprehend',
  options: [C.Keyphrase, C.Entity, C.Sentiment],
  mediaTypes: ['video', 'audio'],
  available: true,
  after: AnalysisTypes.Transcribe,
  category: () => 'audio',
  async run(context, deps): Promise<AnalyzerOutcome> {
    const { asset, aiOptions, requestTime, previous } = context;
    const transcribed = previous?.find((result) => result.analyzer === AnalysisTypes.Transcribe);
    const transcriptKey = transcribed?.status === StateStatus.Completed ? transcribed.output.output : undefined;
    if (typeof transcriptKey !== 'string') return { status: StateStatus.NoData, output: {} };
    const { bucket, prefix } = asset.destination;
    const text = await deps.objects.getText({ bucket, key: transcriptKey });
    if (text === undefined) return { status: StateStatus.NoData, output: {} };
    const transcript = parseTranscript(JSON.parse(text) as unknown);
    const language = comprehendLanguage(String(transcribed?.output.languageCode ?? transcript.languageCode));
    const phrases = phrasesOf(transcript).filter((phrase) => phrase.text.length > MIN_CHARACTERS);
    if (!language || phrases.length === 0) return { status: StateStatus.NoData, output: {} };

    const output: Record<string, unknown> = {};
    const patch: Partial<Record<AnalysisField, SearchEntry[]>> = {};
    for (const feature of [C.Keyphrase, C.Entity, C.Sentiment] as const) {
      if (!isEnabled(aiOptions, feature)) continue;
      const startTime = deps.now();
      const { responses, findings } = await detect(feature, phrases, language, deps);
      patch[feature] = entriesOf(findings);
      if (findings.length === 0) continue;
      const manifest = `${analysisRawPrefix(prefix, requestTime, CATEGORY, feature)}${OUTPUT_MANIFEST}`;
      const metadata = path.posix.join(prefix, 'metadata', feature, OUTPUT_JSON);
      await deps.objects.putText(
        { bucket, key: manifest },
        responses.map((response) => JSON.stringify(response)).join('\n'),
        'application/json',
      );
      await putJson(deps, bucket, metadata, findings);
      output[feature] = { output: manifest, metadata, startTime, endTime: deps.now() };
    }
    await deps.search.update(asset.uuid, patch);
    return {
      status: Object.keys(output).length > 0 ? StateStatus.Completed : StateStatus.NoData,
      output,
      indexed: Object.keys(patch) as AnalysisField[],
    };
  },
};

/** The original's language rule: the transcript's language, two letters, if Comprehend reads it. */
function comprehendLanguage(languageCode: string): string | undefined {
  if (languageCode === 'zh-TW') return languageCode;
  const short = languageCode.slice(0, 2);
  return SUPPORTED_LANGUAGES.has(short) ? short : undefined;
}

async function detect(
  feature: typeof C.Keyphrase | typeof C.Entity | typeof C.Sentiment,
  phrases: readonly Phrase[],
  language: string,
  deps: Pick<AnalyzerDependencies, 'ai'>,
): Promise<{ responses: unknown[]; findings: Finding[] }> {
  const texts = phrases.map((phrase) => phrase.text);
  const at = (i: number) => ({ begin: phrases[i]!.begin, end: phrases[i]!.end });
  switch (feature) {
    case C.Keyphrase: {
      const results = await deps.ai.language.batchDetectKeyPhrases(texts, language);
      return {
        responses: [results],
        findings: results.flatMap((found, i) =>
          found.map((phrase) => ({ name: phrase.text, score: phrase.score, ...at(i) })),
        ),
      };
    }
    case C.Entity: {
      const results = await deps.ai.language.batchDetectEntities(texts, language);
      return {
        responses: [results],
        findings: results.flatMap((found, i) =>
          found.map((entity) => ({ name: entity.text, type: entity.type, score: entity.score, ...at(i) })),
        ),
      };
    }
    case C.Sentiment: {
      const results = [];
      for (const text of texts) results.push(await deps.ai.language.detectSentiment(text, language));
      return {
        responses: [results],
        findings: results.flatMap((result, i) =>
          result.sentiment === 'NEUTRAL'
            ? []
            : [{ name: result.sentiment, score: result.scores[lower(result.sentiment)], ...at(i) }],
        ),
      };
    }
  }
}

function lower<T extends string>(value: T): Lowercase<T> {
  return value.toLowerCase() as Lowercase<T>;
}

/** One entry per distinct finding, with every phrase it was found in. */
function entriesOf(findings: readonly Finding[]): SearchEntry[] {
  const byName = new Map<string, { begin: number; end: number }[]>();
  for (const finding of findings) {
    byName.set(finding.name, [...(byName.get(finding.name) ?? []), { begin: finding.begin, end: finding.end }]);
  }
  return [...byName].map(([name, timecodes]) => ({ name, timecodes }));
}
