import { awsDependencies } from '../adapters';
import { pdfReader } from '../media/pdf/reader';
import { pdfPageRenderer } from '../media/pdf/render';
import { runDocinfo as run } from './run-docinfo';

const deps = awsDependencies(process.env, { pdfPages: pdfPageRenderer(), pdfReader: pdfReader() });

/**
 * The RunDocinfo task, in a bundle of its own: it alone carries pdf.js and the native canvas that render pages,
 * so the other ingest functions neither load nor ship them.
 */
export const runDocinfo = (event: unknown) => run(event, deps);
