import { ServiceRefusal } from '../../../lambdas/shared/ai/answers';
import { TranscribeCustomizations } from '../../../lambdas/shared/ai/transcribe';
import { pythonTimes } from '../../../lambdas/media-insights/workflow/api/service-proxy';

const NO_RETRY = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

/** A client answering the given responses in turn and recording each command's input. */
function scriptedClient(responses: ReadonlyArray<object | Error>) {
  const inputs: unknown[] = [];
  let call = 0;
  return {
    inputs,
    send: async (command: { input: unknown }) => {
      inputs.push(command.input);
      const response = responses[call++];
      if (response instanceof Error) throw response;
      return response;
    },
  };
}

describe('service customizations adapters', () => {
  it('merges every page of a listing and keeps the last request facts', async () => {
    // Prepare
    const client = scriptedClient([
      { Vocabularies: [{ VocabularyName: 'a' }], NextToken: 't1', $metadata: { requestId: 'r1', attempts: 1 } },
      { Vocabularies: [{ VocabularyName: 'b' }], $metadata: { requestId: 'r2', httpStatusCode: 200, attempts: 2 } },
    ]);

    // Act
    const answer = await new TranscribeCustomizations(client as never, NO_RETRY).listVocabularies('READY');

    // Assess
    expect(answer).toEqual({
      output: { Vocabularies: [{ VocabularyName: 'a' }, { VocabularyName: 'b' }] },
      requestId: 'r2',
      httpStatusCode: 200,
      attempts: 2,
    });
    expect(client.inputs).toEqual([
      { MaxResults: 100, StateEquals: 'READY' },
      { MaxResults: 100, StateEquals: 'READY', NextToken: 't1' },
    ]);
  });

  it("turns the service's refusal of the request into a ServiceRefusal, and leaves errors that are ours", async () => {
    // Prepare
    const refusal = Object.assign(new Error('The requested vocabulary could not be found.'), {
      name: 'NotFoundException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const denied = Object.assign(new Error('not authorized'), {
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const adapter = new TranscribeCustomizations(scriptedClient([refusal, denied]) as never, NO_RETRY);

    // Act
    const refused = await adapter.getVocabulary('x').catch((error: unknown) => error);
    const ours = await adapter.getVocabulary('x').catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ServiceRefusal);
    expect(refused).toMatchObject({ errorName: 'NotFoundException', statusCode: 400 });
    expect(ours).toBe(denied);
  });

  it("writes times as Python's isoformat() of a UTC datetime, without a zero fraction", () => {
    // Act
    const written = pythonTimes({
      At: new Date('2024-05-01T10:20:30.123Z'),
      List: [{ At: new Date('2024-05-01T10:20:30.000Z') }],
      Name: 'x',
    });

    // Assess
    expect(written).toEqual({
      At: '2024-05-01T10:20:30.123000+00:00',
      List: [{ At: '2024-05-01T10:20:30+00:00' }],
      Name: 'x',
    });
  });
});
