import { awsDependencies } from '../adapters';
import { pdfReader } from '../media/pdf/reader';
import { analysisHandlers } from './handlers';

/**
 * The RunAnalyzer task, in a bundle of its own: of the analysis functions it alone reads PDFs (page text), so it
 * alone carries pdf.js.
 */
export const { runAnalyzer } = analysisHandlers(awsDependencies(process.env, { pdfReader: pdfReader() }));
