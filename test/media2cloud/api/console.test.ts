import { HttpError } from '../../../lambdas/shared/http';
import type { LanguageModels, ModelPrompt, UserDirectory } from '../../../lambdas/media2cloud/api/domain/console-ports';
import { ServiceRefusal } from '../../../lambdas/media2cloud/api/domain/errors';
import { executionStatus } from '../../../lambdas/media2cloud/api/domain/executions';
import { GenAi, parseGenAiRequest } from '../../../lambdas/media2cloud/api/domain/genai';
import { analysisAggregations, overallStats, parseStatsQuery } from '../../../lambdas/media2cloud/api/domain/stats';
import { Users } from '../../../lambdas/media2cloud/api/domain/users';
import type { AssetSummary } from '../../../lambdas/media2cloud/tables/ingest';

/** The web app routes' rules that local mode cannot reach: failed executions, Bedrock's answers, Cognito's refusals. */
describe('Media2Cloud web app routes, domain rules', () => {
  const arn = 'arn:aws:states:us-east-1:123456789012:execution:Main:11111111-2222-4333-8444-555555555555';

  it("parses a failed execution's cause without its trace, and passes a cause that is not JSON as text", async () => {
    // Prepare
    const lambdaCause = JSON.stringify({ errorType: 'Error', errorMessage: 'no such key', trace: ['at x'] });
    const describe = (cause: string) => async () => ({
      executionArn: arn,
      status: 'FAILED',
      input: '{"a":1}',
      error: 'Error',
      cause,
    });

    // Act
    const fromLambda = await executionStatus({ describe: describe(lambdaCause) }, arn);
    const plain = await executionStatus({ describe: describe('States.Timeout reached') }, arn);

    // Assess
    expect(fromLambda).toEqual({
      executionArn: arn,
      status: 'FAILED',
      input: { a: 1 },
      error: 'Error',
      cause: { errorType: 'Error', errorMessage: 'no such key' },
    });
    expect(plain.cause).toBe('States.Timeout reached');
  });

  it("answers an unknown execution 404 and another state machine's 403", async () => {
    // Act
    const missing = executionStatus({ describe: async () => 'missing' as const }, arn);
    const denied = executionStatus({ describe: async () => 'denied' as const }, arn);

    // Assess
    await expect(missing).rejects.toMatchObject({ statusCode: 404 });
    await expect(denied).rejects.toMatchObject({ statusCode: 403 });
  });

  it('orders stats buckets by count then name, and skips assets without the field', () => {
    // Prepare
    const assets: AssetSummary[] = [
      { uuid: 'a', type: 'image', overallStatus: 'COMPLETED', timestamp: 1 },
      { uuid: 'b', type: 'audio', overallStatus: 'COMPLETED', timestamp: 2, duration: 1500.9 },
      { uuid: 'c', overallStatus: 'PROCESSING' },
    ];

    // Act
    const stats = overallStats(assets, 0);

    // Assess
    expect(stats.stats.types.map((type) => [type.type, type.count, type.duration.max])).toEqual([
      ['audio', 1, 1500],
      ['image', 1, 0],
    ]);
    expect(stats.stats.overallStatuses).toEqual([
      { overallStatus: 'COMPLETED', count: 2 },
      { overallStatus: 'PROCESSING', count: 1 },
    ]);
    expect(stats.recents).toEqual([]);
  });

  it('lists an asset without a timestamp last among the recents, as OpenSearch sorts a missing value', () => {
    // Prepare
    const assets: AssetSummary[] = [{ uuid: 'old' }, { uuid: 'new', timestamp: 5 }];

    // Act
    const stats = overallStats(assets, 2);

    // Assess
    expect(stats.recents.map((asset) => asset.uuid)).toEqual(['new', 'old']);
  });

  it('reads aggregate fields once each, with 100 names by default and any positive size', () => {
    // Act
    const defaults = parseStatsQuery({ aggregate: 'celeb%2Clabel,celeb' });
    const large = parseStatsQuery({ aggregate: 'label', size: '20000' });
    const noAggregate = () => parseStatsQuery({ size: '20000' });
    const zero = () => parseStatsQuery({ aggregate: 'label', size: '0' });

    // Assess
    expect(defaults).toEqual({ size: 100, aggregate: ['celeb', 'label'] });
    expect(large).toEqual({ size: 20000, aggregate: ['label'] });
    expect(noAggregate).toThrow('invalid size');
    expect(zero).toThrow('invalid size');
  });

  it('answers each asked field in the order asked, an empty list for one the index has no names for', async () => {
    // Prepare
    const asked: unknown[] = [];
    const index = {
      countNames: async (fields: readonly string[], size: number) => {
        asked.push([fields, size]);
        return { label: [{ name: 'Person', count: 2 }] };
      },
    };

    // Act
    const answer = await analysisAggregations(index, ['transcribe', 'label'], 5);

    // Assess
    expect(asked).toEqual([[['transcribe', 'label'], 5]]);
    expect(answer).toEqual({ aggregations: { transcribe: [], label: [{ name: 'Person', count: 2 }] } });
    expect(Object.keys(answer.aggregations)).toEqual(['transcribe', 'label']);
  });

  it("asks the configured model, puts back the '{' it began the answer with, and adds the prompt", async () => {
    // Prepare
    const asked: ModelPrompt[] = [];
    const models: LanguageModels = {
      supports: (model) => model.includes('anthropic.claude'),
      invoke: async (prompt) => {
        asked.push(prompt);
        return { role: 'assistant', content: [{ type: 'text', text: '"genres": [{"text": "Drama", "score": 90}]}' }] };
      },
    };
    const genai = new GenAi(models, () => []);
    const body = {
      model: 'anthropic.claude-3-haiku',
      prompt: 'genre',
      text_inputs: 'We ride at dawn.',
      temperature: 0.7,
    };

    // Act
    const answer = await genai.ask(parseGenAiRequest('genre', body));

    // Assess
    expect(answer).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: '{"genres":[{"text":"Drama","score":90}]}' }],
      prompt: 'genre',
    });
    expect(asked[0]).toMatchObject({ temperature: 0.7, maxTokens: 16384 });
    expect(asked[0]?.messages.at(-1)).toEqual({ role: 'assistant', content: '{' });
    expect(asked[0]?.messages[0]?.content).toContain('We ride at dawn.');
  });

  it("turns a Cognito refusal for one user into that user's error entry and keeps the others", async () => {
    // Prepare
    const directory: UserDirectory = {
      list: async () => [],
      remove: async () => true,
      addToGroup: async (user) => {
        if (user.group === 'nobody') throw new ServiceRefusal('ResourceNotFoundException', 'Group not found.', 400);
        return { username: user.username, status: 'FORCE_CHANGE_PASSWORD', enabled: true, groups: [user.group] };
      },
    };

    // Act
    const added = await new Users(directory).add([
      { email: 'ada@example.com', group: 'admin' },
      { email: 'bob@example.com', group: 'nobody' },
    ]);

    // Assess
    expect(added).toEqual([
      expect.objectContaining({ username: 'ada', group: 'admin', status: 'FORCE_CHANGE_PASSWORD' }),
      {
        status: 'error',
        error: 'ResourceNotFoundException - Group not found.',
        email: 'bob@example.com',
        group: 'nobody',
      },
    ]);
    await expect(new Users(directory).add({})).rejects.toBeInstanceOf(HttpError);
  });
});
