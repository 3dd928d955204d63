import { isEnabled, type AiOptions, type AiService, type ServiceAvailability } from '../domain/ai-options';
import { AnalysisError } from '../domain/errors';
import type { Analyzer, AnalysisAsset } from './analyzer';
import { comprehendAnalyzer } from './analyzers/comprehend';
import { pageTextAnalyzer } from './analyzers/pagetext';
import { rekognitionImageAnalyzer, rekognitionVideoAnalyzer } from './analyzers/rekognition';
import { subtitleAnalyzer } from './analyzers/subtitle';
import { tagsAnalyzer } from './analyzers/tags';
import { textractAnalyzer } from './analyzers/textract';
import { transcribeAnalyzer } from './analyzers/transcribe';

/** The original's AI analyses, by the analysis record they fill. */
export const AWS_AI_ANALYZERS: readonly Analyzer[] = [
  rekognitionVideoAnalyzer,
  rekognitionImageAnalyzer,
  transcribeAnalyzer,
  comprehendAnalyzer,
  textractAnalyzer,
];

/** mediaplane's analyzers: searchable, timecoded text without any AI service. */
export const TEXT_ANALYZERS: readonly Analyzer[] = [subtitleAnalyzer, pageTextAnalyzer, tagsAnalyzer];

export class AnalyzerRegistry {
  private readonly byId: ReadonlyMap<string, Analyzer>;

  constructor(readonly analyzers: readonly Analyzer[]) {
    this.byId = new Map(analyzers.map((analyzer) => [analyzer.id, analyzer]));
  }

  get(id: string): Analyzer {
    const analyzer = this.byId.get(id);
    if (!analyzer) throw new AnalysisError(`unknown analyzer ${id}`);
    return analyzer;
  }

  /** A service is available when an analyzer for it is. */
  serviceAvailability(): ServiceAvailability {
    const available = (service: AiService) =>
      this.analyzers.some((analyzer) => analyzer.service === service && analyzer.available);
    return {
      rekognition: available('rekognition'),
      transcribe: available('transcribe'),
      comprehend: available('comprehend'),
      textract: available('textract'),
    };
  }

  /** The analyzers to run for the asset: available, for its media type, and turned on by `aiOptions`. */
  plan(asset: AnalysisAsset, aiOptions: AiOptions): Analyzer[] {
    const wanted = this.analyzers.filter(
      (analyzer) =>
        analyzer.available &&
        analyzer.mediaTypes.includes(asset.type) &&
        analyzer.options.some((option) => isEnabled(aiOptions, option)),
    );
    const ids = new Set(wanted.map((analyzer) => analyzer.id));
    // An analyzer that reads another's results runs only when that one runs too (no transcript, no Comprehend).
    return wanted.filter((analyzer) => analyzer.after === undefined || ids.has(analyzer.after));
  }

  /** The plan in two rounds: the second holds the analyzers that read the first round's results. */
  rounds(asset: AnalysisAsset, aiOptions: AiOptions): { first: string[]; second: string[] } {
    const planned = this.plan(asset, aiOptions);
    return {
      first: planned.filter((analyzer) => analyzer.after === undefined).map((analyzer) => analyzer.id),
      second: planned.filter((analyzer) => analyzer.after !== undefined).map((analyzer) => analyzer.id),
    };
  }
}

export const DEFAULT_REGISTRY = new AnalyzerRegistry([...TEXT_ANALYZERS, ...AWS_AI_ANALYZERS]);
