import winkTokenizer from 'wink-tokenizer';
import type { Token, Tokenizer } from '../domain/genai';

const tokenizer = new winkTokenizer();

/** The tokenizer the original's `/genai/tokenize` uses (wink-tokenizer, default configuration). */
export const winkTokenize: Tokenizer = (text) => tokenizer.tokenize(text) as Token[];
