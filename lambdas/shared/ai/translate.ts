/**
 * Translate behind the neutral `Translation` type. Throttling retries come from `jobs.ts`; in local mode the same
 * calls reach the local stand-in through `AWS_ENDPOINT_URL_TRANSLATE`.
 */
import {
  CreateParallelDataCommand,
  DeleteParallelDataCommand,
  DeleteTerminologyCommand,
  GetParallelDataCommand,
  GetTerminologyCommand,
  ImportTerminologyCommand,
  ListLanguagesCommand,
  ListParallelDataCommand,
  ListTerminologiesCommand,
  TranslateClient,
  TranslateTextCommand,
  type CreateParallelDataCommandInput,
  type CreateParallelDataCommandOutput,
  type DeleteParallelDataCommandOutput,
  type DeleteTerminologyCommandOutput,
  type GetParallelDataCommandOutput,
  type GetTerminologyCommandOutput,
  type ImportTerminologyCommandInput,
  type ImportTerminologyCommandOutput,
  type ListParallelDataCommandOutput,
  type ListTerminologiesCommandOutput,
  type TerminologyDataFormat,
} from '@aws-sdk/client-translate';
import { allPages, readLink, sendForAnswer, type ServiceAnswer } from './answers';
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

/**
 * Custom terminologies and parallel data, answered as the service gives them (`ServiceAnswer`), for callers that
 * pass the service's own records on (the Media Insights `/service/translate/*` proxies). Listings are merged across
 * every page.
 */
export class TranslateCustomizations {
  constructor(
    private readonly client: Sender = (sharedClient ??= new TranslateClient({})),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  private send<T extends object>(command: object): Promise<ServiceAnswer<T>> {
    return sendForAnswer<T>(this.client, command, this.retry);
  }

  importTerminology(input: ImportTerminologyCommandInput): Promise<ServiceAnswer<ImportTerminologyCommandOutput>> {
    return this.send(new ImportTerminologyCommand(input));
  }

  getTerminology(
    name: string,
    format: TerminologyDataFormat = 'CSV',
  ): Promise<ServiceAnswer<GetTerminologyCommandOutput>> {
    return this.send(new GetTerminologyCommand({ Name: name, TerminologyDataFormat: format }));
  }

  deleteTerminology(name: string): Promise<ServiceAnswer<DeleteTerminologyCommandOutput>> {
    return this.send(new DeleteTerminologyCommand({ Name: name }));
  }

  listTerminologies(): Promise<ServiceAnswer<Omit<ListTerminologiesCommandOutput, 'NextToken'>>> {
    return allPages(
      (token) =>
        this.send<ListTerminologiesCommandOutput>(
          new ListTerminologiesCommand({ MaxResults: 100, ...(token !== undefined ? { NextToken: token } : {}) }),
        ),
      (pages) => ({ TerminologyPropertiesList: pages.flatMap((page) => page.TerminologyPropertiesList ?? []) }),
    );
  }

  createParallelData(input: CreateParallelDataCommandInput): Promise<ServiceAnswer<CreateParallelDataCommandOutput>> {
    return this.send(new CreateParallelDataCommand(input));
  }

  getParallelData(name: string): Promise<ServiceAnswer<GetParallelDataCommandOutput>> {
    return this.send(new GetParallelDataCommand({ Name: name }));
  }

  deleteParallelData(name: string): Promise<ServiceAnswer<DeleteParallelDataCommandOutput>> {
    return this.send(new DeleteParallelDataCommand({ Name: name }));
  }

  listParallelData(): Promise<ServiceAnswer<Omit<ListParallelDataCommandOutput, 'NextToken'>>> {
    return allPages(
      (token) =>
        this.send<ListParallelDataCommandOutput>(
          new ListParallelDataCommand({ MaxResults: 100, ...(token !== undefined ? { NextToken: token } : {}) }),
        ),
      (pages) => ({ ParallelDataPropertiesList: pages.flatMap((page) => page.ParallelDataPropertiesList ?? []) }),
    );
  }

  /** A terminology or parallel data file, by the pre-signed link its `Get*` answered. */
  download(location: string, what: string): Promise<string> {
    return readLink(location, what);
  }
}
