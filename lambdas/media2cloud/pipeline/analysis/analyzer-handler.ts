import { awsDependencies } from '../adapters';
import { awsAiServices } from '../adapters/ai';
import { pdfReader } from '../media/pdf/reader';
import { analysisHandlers } from './handlers';

/**
 * The RunAnalyzer task, in a bundle of its own: of the analysis functions it alone reads PDFs (page text) and calls
 * the AI services, so it alone carries pdf.js and the Rekognition, Transcribe, Comprehend and Textract clients.
 */
export const { runAnalyzer } = analysisHandlers(
  awsDependencies(process.env, { pdfReader: pdfReader(), ai: awsAiServices }),
);
