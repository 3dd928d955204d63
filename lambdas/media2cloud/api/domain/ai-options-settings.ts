import { isPlainObject } from '../../../shared/http';
import { invalid } from './errors';
import type { AiOptionsSettingsStore } from './console-ports';
import type { AiOptions } from './records';
import { parseAiOptions } from './validation';

/**
 * `/settings/aioptions`: the global `aiOptions` an administrator sets in the web portal. New ingests that bring no
 * `aiOptions` of their own use them (the pipeline reads the same object); without them, the stack's default.
 */
export class AiOptionsSettings {
  constructor(
    private readonly store: AiOptionsSettingsStore,
    private readonly stackDefault: AiOptions,
  ) {}

  async get(): Promise<AiOptions> {
    return (await this.store.get()) ?? this.stackDefault;
  }

  /**
   * The original stores any non-empty body and answers an empty one with an empty 200, which its own web app cannot
   * parse; an empty or non-object body is a 400 here, and what is stored is held to the ingest limits.
   */
  async set(body: unknown): Promise<Readonly<Record<string, unknown>>> {
    if (!isPlainObject(body) || Object.keys(body).length === 0) {
      throw invalid('aiOptions must be a non-empty JSON object');
    }
    return this.store.put(parseAiOptions(body) as AiOptions);
  }

  /** The original answers `true` (and `false` when S3 refuses, which here is an error). */
  async reset(): Promise<boolean> {
    await this.store.delete();
    return true;
  }
}
