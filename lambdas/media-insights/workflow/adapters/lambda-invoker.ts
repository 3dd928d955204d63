import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/**
 * Calling another Lambda function: the boundary the data plane client and the scheduler request sit on. Tests put
 * an in-process implementation here (the data plane handler called directly, the scheduler recorded).
 */
export interface FunctionInvoker {
  /** Invokes synchronously and returns the function's result, parsed; a function error is thrown. */
  invoke(functionName: string, payload: unknown): Promise<unknown>;
  /** Queues an asynchronous invocation (`InvocationType: Event`) and returns without waiting for it. */
  invokeAsync(functionName: string, payload: unknown): Promise<void>;
}

/** The function ran but failed (`X-Amz-Function-Error`); its error text is for the log, never for the caller. */
export class FunctionInvocationError extends Error {
  constructor(functionName: string, functionError: string, payload: string) {
    super(`Function ${functionName} failed (${functionError}): ${payload.slice(0, 1000)}`);
    this.name = 'FunctionInvocationError';
  }
}

export class LambdaFunctionInvoker implements FunctionInvoker {
  constructor(private readonly client: LambdaClient) {}

  async invoke(functionName: string, payload: unknown): Promise<unknown> {
    const response = await this.client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
    const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
    if (response.FunctionError) throw new FunctionInvocationError(functionName, response.FunctionError, text);
    return text === '' ? undefined : JSON.parse(text);
  }

  async invokeAsync(functionName: string, payload: unknown): Promise<void> {
    await this.client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
  }
}
