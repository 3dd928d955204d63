import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { FunctionInvoker, InvokeResult } from '../ports';
import { lambdaClient as lambda } from '../../../clients';

export class LambdaFunctionInvoker implements FunctionInvoker {
  async invoke(functionArn: string, payload: unknown): Promise<InvokeResult> {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: functionArn, Payload: Buffer.from(JSON.stringify(payload)) }),
    );
    const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : 'null';
    const body: unknown = text === '' ? null : JSON.parse(text);
    if (response.FunctionError) {
      const error = (body ?? {}) as { errorType?: string; errorMessage?: string };
      return { ok: false, errorType: error.errorType ?? 'Lambda.Unknown', errorMessage: error.errorMessage ?? text };
    }
    return { ok: true, payload: body };
  }

  async invokeAsync(functionArn: string, payload: unknown): Promise<void> {
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionArn,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
  }
}
