import {
  AnalysisTypes,
  COMPREHEND_OPTIONS,
  REKOGNITION_IMAGE_OPTIONS,
  REKOGNITION_OPTIONS,
  TEXTRACT_OPTIONS,
  TRANSCRIBE_OPTIONS,
  isEnabled,
  type AiOptions,
  type AiService,
  type ServiceAvailability,
} from '../domain/ai-options';
import { AnalysisError } from '../domain/errors';
import type { MediaType } from '../domain/records';
import type { Analyzer, AnalysisAsset } from './analyzer';
import { pageTextAnalyzer } from './analyzers/pagetext';
import { subtitleAnalyzer } from './analyzers/subtitle';
import { tagsAnalyzer } from './analyzers/tags';

/**
 * The place of an AWS AI analysis that this deployment does not implement: registered so that its `aiOptions` are
 * recognised and switched off (the original does the same when its region lacks the service), never run.
 */
export function unavailableAnalyzer(
  id: string,
  service: AiService,
  options: readonly string[],
  mediaTypes: readonly MediaType[],
  category: MediaType,
): Analyzer {
  return {
    id,
    service,
    options,
    mediaTypes,
    available: false,
    category: () => category,
    run: () =>
      Promise.reject(new AnalysisError(`${id} needs Amazon ${service}, which this deployment does not provide`)),
  };
}

/** The original's AI analyses, by the analysis record they fill. */
export const AWS_AI_ANALYZERS: readonly Analyzer[] = [
  unavailableAnalyzer('rekognition', 'rekognition', REKOGNITION_OPTIONS, ['video'], 'video'),
  unavailableAnalyzer('rekognition-image', 'rekognition', REKOGNITION_IMAGE_OPTIONS, ['image'], 'image'),
  unavailableAnalyzer('transcribe', 'transcribe', TRANSCRIBE_OPTIONS, ['video', 'audio'], 'audio'),
  unavailableAnalyzer(
    'comprehend',
    'comprehend',
    COMPREHEND_OPTIONS.filter((option) => option !== AnalysisTypes.Transcribe),
    ['video', 'audio'],
    'audio',
  ),
  unavailableAnalyzer('textract', 'textract', TEXTRACT_OPTIONS, ['document'], 'document'),
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
    return this.analyzers.filter(
      (analyzer) =>
        analyzer.available &&
        analyzer.mediaTypes.includes(asset.type) &&
        analyzer.options.some((option) => isEnabled(aiOptions, option)),
    );
  }
}

export const DEFAULT_REGISTRY = new AnalyzerRegistry([...TEXT_ANALYZERS, ...AWS_AI_ANALYZERS]);
