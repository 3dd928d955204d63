import type { AnalysisField, NameCounts } from '../../search';
import type { Tokenizer } from './genai';
import type { AiOptions } from './records';

/**
 * The ports of the routes the original's web app calls besides assets, analysis and search (`/execution`, `/stats`,
 * `/settings/aioptions`, `/users`, `/rekognition/*`, `/attach-policy`, `/genai/*`), in the API's words.
 */

/** What Step Functions' DescribeExecution tells about an execution. */
export interface ExecutionDescription {
  readonly executionArn: string;
  readonly name?: string;
  readonly status?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface ExecutionHistory {
  /** The execution, `'missing'` when there is none, `'denied'` when the function may not read it. */
  describe(executionArn: string): Promise<ExecutionDescription | 'missing' | 'denied'>;
}

/** The global `aiOptions` the web portal stores (in the proxy bucket, as the original keeps them). */
export interface AiOptionsSettingsStore {
  /** The stored options; `undefined` when none are stored or what is stored is not a JSON object. */
  get(): Promise<AiOptions | undefined>;
  /** Stores them; the answer is S3's PutObject answer, as the original returns it. */
  put(options: AiOptions): Promise<Readonly<Record<string, unknown>>>;
  delete(): Promise<void>;
}

/** A user of the deployment's user pool, with what the original's user list shows. */
export interface PoolUser {
  readonly username: string;
  readonly email?: string;
  readonly status?: string;
  readonly enabled?: boolean;
  readonly lastModified?: Date;
  /** Its groups, highest precedence (lowest number) first. */
  readonly groups: readonly string[];
}

export interface UserDirectory {
  list(): Promise<PoolUser[]>;
  /** Creates the user (or, if the name is taken, reads the existing one) and adds it to the group. */
  addToGroup(user: { readonly username: string; readonly email: string; readonly group: string }): Promise<PoolUser>;
  /** `false` when there is no such user. */
  remove(username: string): Promise<boolean>;
}

export interface FaceCollectionSummary {
  readonly name: string;
  readonly faces: number;
  readonly modelVersion?: string;
  readonly creationDate?: Date;
}

/** A Custom Labels project the analysis may use, and whether it has a version that can run. */
export interface CustomLabelModel {
  readonly name: string;
  readonly canUse: boolean;
}

export interface FaceCollections {
  list(): Promise<FaceCollectionSummary[]>;
  /** `undefined` when there is no such collection (or it cannot be read). */
  describe(collectionId: string): Promise<FaceCollectionSummary | undefined>;
  /** Refusals Rekognition gives (the collection exists, a quota) are thrown as `ServiceRefusal`s. */
  create(collectionId: string): Promise<FaceCollectionSummary>;
  /** Rekognition's `StatusCode`; a missing collection is a `ServiceRefusal`. */
  delete(collectionId: string): Promise<number | undefined>;
  customLabelModels(): Promise<CustomLabelModel[]>;
}

/** AWS IoT: lets a web app identity subscribe to the status messages. */
export interface StatusPush {
  attachPolicy(cognitoIdentityId: string): Promise<Readonly<Record<string, unknown>>>;
}

/** A prompt for a hosted model: its system text, the conversation so far, and the generation parameters. */
export interface ModelPrompt {
  readonly system: string;
  readonly messages: ReadonlyArray<{ readonly role: 'user' | 'assistant'; readonly content: string }>;
  readonly maxTokens: number;
  readonly temperature: number;
}

export interface LanguageModels {
  /** Whether a model of this name can be asked (configured and of a family the API knows how to prompt). */
  supports(model: string): boolean;
  /** The model's answer body, parsed. */
  invoke(prompt: ModelPrompt): Promise<Record<string, unknown>>;
}

/** The search index's counts of the names each analysis found (`GET /stats?aggregate=`). */
export interface AnalysisNameCounts {
  /** Per field, at most `size` names with the number of assets naming each, most first, then by name. */
  countNames(fields: readonly AnalysisField[], size: number): Promise<NameCounts>;
}

export interface ConsolePorts {
  readonly executions: ExecutionHistory;
  readonly aiOptionsSettings: AiOptionsSettingsStore;
  readonly users: UserDirectory;
  readonly faceCollections: FaceCollections;
  readonly statusPush: StatusPush;
  readonly languageModels: LanguageModels;
  readonly tokenizer: Tokenizer;
  readonly nameCounts: AnalysisNameCounts;
}
