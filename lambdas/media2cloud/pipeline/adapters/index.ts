import { stackDefaultAiOptions } from '../domain/ai-options';
import { describeMedia } from '../media/mediainfo';
import { mediaTools } from '../../../shared/media/tools';
import type { PipelineEnvironmentVariable } from '../catalog';
import type {
  AiServices,
  PdfPageRenderer,
  PdfReader,
  PipelineConfig,
  PipelineDependencies,
  TranscodeJobs,
} from '../ports';
import { s3Client, sfnClient } from '../../clients';
import { documentClient } from '../../tables/document-client';
import { AnalysisTable } from '../../tables/analysis';
import { IngestTable } from '../../tables/ingest';
import { OpenSearchIndex } from './opensearch-index';
import { tmpScratch } from './scratch';
import { S3ObjectStore } from './s3-object-store';
import { SfnExecutions, SfnTaskCallbacks } from './sfn-executions';

function required(name: PipelineEnvironmentVariable, env: NodeJS.ProcessEnv): string {
  const value = env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}

function lazy<T>(create: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = create();
      made = true;
    }
    return value as T;
  };
}

/**
 * The adapters only some entry points carry: pdf.js (RunDocinfo, RunAnalyzer), the AI services (RunAnalyzer) and
 * MediaConvert (StartTranscode), so other bundles stay without them (see `catalog.ts`).
 */
export interface PdfAdapters {
  readonly pdfPages?: PdfPageRenderer;
  readonly pdfReader?: PdfReader;
  readonly ai?: () => AiServices;
  readonly transcoder?: () => TranscodeJobs;
}

/**
 * The AWS adapters, each created on first use: a function is given only the variables of the adapters it uses
 * (see `catalog.ts`), and a missing one fails its first use with the variable's name.
 */
export function awsDependencies(env: NodeJS.ProcessEnv = process.env, pdf: PdfAdapters = {}): PipelineDependencies {
  const defaultAiOptions = lazy(() => stackDefaultAiOptions(env.DEFAULT_AI_OPTIONS));
  const config: PipelineConfig = {
    get ingestBucket() {
      return required('INGEST_BUCKET', env);
    },
    get proxyBucket() {
      return required('PROXY_BUCKET', env);
    },
    get defaultAiOptions() {
      return defaultAiOptions();
    },
    get mainStateMachineArn() {
      return required('MAIN_STATE_MACHINE_ARN', env);
    },
    get mediaConvertRoleArn() {
      return required('MEDIACONVERT_ROLE_ARN', env);
    },
  };
  const records = lazy(() => new IngestTable(documentClient, required('INGEST_TABLE_NAME', env)));
  const analyses = lazy(() => new AnalysisTable(documentClient, required('AIML_TABLE_NAME', env)));
  const objects = lazy(() => new S3ObjectStore(s3Client));
  const search = lazy(
    () =>
      new OpenSearchIndex({
        endpoint: required('SEARCH_ENDPOINT', env),
        // The S3 client's resolved region and default credential chain sign the requests too.
        region: () => s3Client.config.region(),
        credentials: () => s3Client.config.credentials(),
      }),
  );
  const executions = lazy(() => new SfnExecutions(sfnClient));
  const tools = lazy(() => mediaTools());
  const ai = lazy(pdf.ai ?? (() => NO_AI));
  const transcoder = lazy(pdf.transcoder ?? (() => NO_TRANSCODER));
  const tasks = lazy(() => new SfnTaskCallbacks(sfnClient));
  return {
    config,
    get records() {
      return records();
    },
    get analyses() {
      return analyses();
    },
    get objects() {
      return objects();
    },
    get search() {
      return search();
    },
    get executions() {
      return executions();
    },
    get tools() {
      return tools();
    },
    scratch: tmpScratch,
    now: () => Date.now(),
    describeMedia,
    pdfPages: pdf.pdfPages ?? NO_PDF_PAGES,
    pdfReader: pdf.pdfReader ?? NO_PDF_READER,
    get ai() {
      return ai();
    },
    get transcoder() {
      return transcoder();
    },
    get tasks() {
      return tasks();
    },
  };
}

/** Functions other than StartTranscode are bundled without the MediaConvert client. */
const NO_TRANSCODER: TranscodeJobs = {
  submit: () => Promise.reject(new Error('MediaConvert jobs are submitted by the StartTranscode function only')),
};

const noAi = () => Promise.reject(new Error('The AI services are called by the RunAnalyzer function only'));
/** Functions other than RunAnalyzer are bundled without the AI adapters. */
const NO_AI: AiServices = {
  vision: {
    detectLabels: noAi,
    detectFaces: noAi,
    recognizeCelebrities: noAi,
    detectModerationLabels: noAi,
    detectText: noAi,
    searchFacesByImage: noAi,
    imageAnalysisResponse: noAi,
    startVideoAnalysis: noAi,
    getVideoAnalysis: noAi,
    getVideoAnalysisPage: noAi,
  },
  speech: { startTranscription: noAi, getTranscription: noAi },
  language: { batchDetectKeyPhrases: noAi, batchDetectEntities: noAi, detectSentiment: noAi },
  documents: { detectText: noAi },
};

/** Functions other than RunDocinfo are bundled without pdf.js and the canvas binary. */
const NO_PDF_PAGES: PdfPageRenderer = {
  render: () => Promise.reject(new Error('PDF pages are rendered by the RunDocinfo function only')),
};

/** Functions other than RunDocinfo and RunAnalyzer are bundled without pdf.js. */
const NO_PDF_READER: PdfReader = {
  docinfo: () => Promise.reject(new Error('PDFs are read by the RunDocinfo and RunAnalyzer functions only')),
  pageTexts: () => Promise.reject(new Error('PDFs are read by the RunDocinfo and RunAnalyzer functions only')),
};
