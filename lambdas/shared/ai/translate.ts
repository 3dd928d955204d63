/**
 * Translate behind the neutral `Translation` type. Throttling retries come from `jobs.ts`; in local mode the same
 * calls reach the local stand-in through `AWS_ENDPOINT_URL_TRANSLATE`.
 */
import { ListLanguagesCommand, TranslateClient, TranslateTextCommand } from '@aws-sdk/client-translate';
import { DEFAULT_RETRY, type RetryPolicy, sendWithRetries } from './jobs';
import type { Translation } from './language';

let sharedClient: TranslateClient | undefined;

type Sender = Pick<TranslateClient, 'send'>;

export class TranslateText {
  constructor(
    private readonly client: Sender = (sharedClient ??= new TranslateClient({})),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  private send<T>(command: object): Promise<T> {
    return sendWithRetries<T>(this.client, command, this.retry);
  }

  /** `sourceLanguageCode` `auto` lets the service detect it; the translation says what it found. */
  async translate(
    text: string,
    sourceLanguageCode: string,
    targetLanguageCode: string,
    terminologyNames: readonly string[] = [],
  ): Promise<Translation> {
    const response = await this.send<{
      TranslatedText?: string;
      SourceLanguageCode?: string;
      TargetLanguageCode?: string;
    }>(
      new TranslateTextCommand({
        Text: text,
        SourceLanguageCode: sourceLanguageCode,
        TargetLanguageCode: targetLanguageCode,
        ...(terminologyNames.length > 0 ? { TerminologyNames: [...terminologyNames] } : {}),
      }),
    );
    return {
      sourceLanguageCode: response.SourceLanguageCode ?? sourceLanguageCode,
      targetLanguageCode: response.TargetLanguageCode ?? targetLanguageCode,
      text: response.TranslatedText ?? '',
    };
  }

  /** Every language the service translates, page after page: code → English name. */
  async languages(): Promise<Map<string, string>> {
    const languages = new Map<string, string>();
    let token: string | undefined;
    do {
      const response = await this.send<{
        Languages?: Array<{ LanguageCode?: string; LanguageName?: string }>;
        NextToken?: string;
      }>(new ListLanguagesCommand({ ...(token ? { NextToken: token } : {}) }));
      for (const language of response.Languages ?? [])
        languages.set(language.LanguageCode ?? '', language.LanguageName ?? '');
      token = response.NextToken;
    } while (token);
    return languages;
  }
}
