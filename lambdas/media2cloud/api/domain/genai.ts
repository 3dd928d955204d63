import { isPlainObject } from '../../../shared/http';
import { invalid } from './errors';
import type { LanguageModels, ModelPrompt } from './console-ports';

/**
 * `POST /genai/{task}`: the web portal's generative AI tools on a transcript — genre, sentiment, summary, IAB
 * taxonomy, theme, TV rating, or a question of the user's — answered by a Claude model on Amazon Bedrock, and
 * `tokenize`, which splits text into tagged tokens without any model. Requests are checked as the original checks
 * them; the prompts are mediaplane's own.
 */

export const GENAI_TASKS = ['genre', 'sentiment', 'summarize', 'taxonomy', 'theme', 'tvratings', 'custom'] as const;
export type GenAiTask = (typeof GENAI_TASKS)[number];

export interface GenAiRequest {
  readonly task: GenAiTask;
  readonly model: string;
  readonly prompt: string;
  readonly textInputs: string;
  readonly temperature: number;
  readonly maxTokens: number;
}

/** A token and its kind (`word`, `number`, `punctuation`, `email`, `emoji`, …), as the original's tokenizer tags it. */
export interface Token {
  readonly value: string;
  readonly tag: string;
}

export type Tokenizer = (text: string) => Token[];

/** Ours: Bedrock's request limit is far larger, but a transcript beyond this is not one dialogue to classify. */
const MAX_TEXT_BYTES = 200 * 1024;
const DEFAULT_MAX_TOKENS = 4096 * 4;
const DEFAULT_TEMPERATURE = 0.2;

export function parseTokenizeBody(body: unknown): string {
  const text = isPlainObject(body) ? body.text : undefined;
  if (typeof text !== 'string' || text.length === 0 || Buffer.byteLength(text) > MAX_TEXT_BYTES) {
    throw invalid('invalid text');
  }
  return text;
}

/** The checks and messages of the original, in its order; then the options it honours, within its bounds. */
export function parseGenAiRequest(task: string, body: unknown): GenAiRequest {
  const params = isPlainObject(body) ? body : {};
  const model = nonEmptyString(params.model);
  if (model === undefined) throw invalid('model name is missing');
  const prompt = nonEmptyString(params.prompt);
  if (prompt === undefined) throw invalid('prompt is missing');
  const textInputs = nonEmptyString(params.text_inputs);
  if (textInputs === undefined) throw invalid('text input is missing');
  if (Buffer.byteLength(textInputs) > MAX_TEXT_BYTES) throw invalid('text input is too long');
  if (!(GENAI_TASKS as readonly string[]).includes(task)) throw invalid('invalid prompt parameter');
  const temperature = Number(params.temperature);
  const maxLength = Number(params.max_length);
  return {
    task: task as GenAiTask,
    model,
    prompt,
    textInputs,
    temperature: temperature > 0 && temperature < 1 ? temperature : DEFAULT_TEMPERATURE,
    maxTokens: maxLength > 0 && maxLength < 4096 ? Math.floor(maxLength) : DEFAULT_MAX_TOKENS,
  };
}

export class GenAi {
  constructor(
    private readonly models: LanguageModels,
    private readonly tokenizer: Tokenizer,
  ) {}

  tokenize(text: string): Token[] {
    return this.tokenizer(text);
  }

  /**
   * The model's answer as Bedrock returns it, with the request's `prompt` added and the first text block made a
   * JSON string: the answer continues an opening `{` the prompt puts in the model's mouth.
   */
  async ask(request: GenAiRequest): Promise<Record<string, unknown>> {
    if (!this.models.supports(request.model)) throw invalid('invalid model name');
    const answer = await this.models.invoke(promptFor(request));
    const content = Array.isArray(answer.content) ? answer.content : [];
    const first = content[0] as { text?: unknown } | undefined;
    if (first && typeof first.text === 'string' && first.text !== '') first.text = jsonText(first.text);
    return { ...answer, prompt: request.prompt };
  }
}

interface Classification {
  readonly subject: string;
  readonly choices?: readonly string[];
  /** Describes the list when it is not given item by item. */
  readonly choicesFrom?: string;
  readonly key: string;
  readonly single: boolean;
}

const CLASSIFICATIONS: Readonly<Record<Exclude<GenAiTask, 'summarize' | 'custom'>, Classification>> = {
  genre: {
    subject: 'genres',
    key: 'genres',
    single: false,
    choices: [
      'Action',
      'Adventure',
      'Biography',
      'Comedy',
      'Crime fiction',
      'Documentary',
      'Drama',
      'Fantasy',
      'History',
      'Horror',
      'Musical',
      'Mystery',
      'Romance',
      'Science fiction',
      'Sports',
      'Thriller',
      'War',
      'Western',
      'Non-determined',
    ],
  },
  theme: {
    subject: 'themes',
    key: 'themes',
    single: false,
    choices: [
      'Love',
      'Family',
      'Friendship',
      'Good versus evil',
      'Justice',
      'Revenge',
      'Sacrifice',
      'Survival',
      'Power',
      'War',
      'Coming of age',
      'Death',
      'Identity',
      'Man versus nature',
      'Humanity versus technology',
      'Overcoming adversity',
      'Non-determined',
    ],
  },
  taxonomy: {
    subject: 'IAB content taxonomy categories',
    key: 'taxonomies',
    single: false,
    choicesFrom: 'the category names of the IAB Tech Lab Content Taxonomy',
  },
  tvratings: {
    subject: 'motion picture rating',
    key: 'ratings',
    single: true,
    choices: ['G', 'PG', 'PG-13', 'R', 'NC-17'],
  },
  sentiment: { subject: 'sentiment', key: 'sentiment', single: true, choices: ['Positive', 'Negative', 'Neutral'] },
};

function promptFor(request: GenAiRequest): ModelPrompt {
  const transcript = `<transcript>\n${request.textInputs}\n</transcript>`;
  const answerFormat = (key: string, example: unknown) =>
    `Answer with JSON only, no explanation, shaped like this example: ${JSON.stringify({ [key]: example })}`;
  const options = { maxTokens: request.maxTokens, temperature: request.temperature };
  if (request.task === 'summarize' || request.task === 'custom') {
    const question =
      request.task === 'summarize'
        ? 'Summarize the dialogue of this transcript in one or two paragraphs.'
        : request.prompt;
    return {
      ...options,
      system: 'You review media transcripts for a media operations team and answer with a confidence score (0-100).',
      messages: [
        { role: 'user', content: `${transcript}\n${question}` },
        { role: 'assistant', content: 'I have read the transcript. In what format should I answer?' },
        {
          role: 'user',
          content: answerFormat(request.task === 'summarize' ? 'summary' : 'custom', { text: '…', score: 90 }),
        },
        { role: 'assistant', content: '{' },
      ],
    };
  }
  const classification = CLASSIFICATIONS[request.task];
  const list = classification.choices
    ? `Choose only from this list:\n${classification.choices.join('\n')}\nNone of the above`
    : `Choose only from ${classification.choicesFrom}.`;
  const example = { text: classification.choices?.[0] ?? 'Technology & Computing', score: 90 };
  return {
    ...options,
    system:
      'You review media transcripts for a media operations team. ' +
      (classification.single
        ? `Give the one ${classification.subject} that fits the dialogue best`
        : `Give the three ${classification.subject} that fit the dialogue best`) +
      ', each with a confidence score (0-100).',
    messages: [
      { role: 'user', content: `${list}\n\n${transcript}` },
      { role: 'assistant', content: 'I have read the list and the transcript. In what format should I answer?' },
      { role: 'user', content: answerFormat(classification.key, classification.single ? example : [example]) },
      { role: 'assistant', content: '{' },
    ],
  };
}

/** The model continues after the `{` it was given: put it back, and keep the outermost JSON object if there is one. */
function jsonText(text: string): string {
  const withBrace = text.startsWith('{') ? text : `{${text}`;
  for (const candidate of [withBrace, withBrace.slice(withBrace.indexOf('{'), withBrace.lastIndexOf('}') + 1)]) {
    try {
      return JSON.stringify(JSON.parse(candidate));
    } catch {
      // try the next reading
    }
  }
  return text;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
