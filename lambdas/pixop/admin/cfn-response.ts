/** The request CloudFormation sends a custom resource's provider, as far as Pixop's provider reads it. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
}

/** PUTs the provider's answer to the presigned ResponseURL, which is how CloudFormation learns the outcome. */
export async function sendCustomResourceResponse(
  event: CustomResourceEvent,
  answer: { status: 'SUCCESS' | 'FAILED'; physicalResourceId: string; reason?: string; data?: Record<string, string> },
): Promise<void> {
  const body = JSON.stringify({
    Status: answer.status,
    Reason: answer.reason ?? answer.status,
    PhysicalResourceId: answer.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: answer.data ?? {},
  });
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    // A presigned S3 URL signs an empty content type.
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  if (!response.ok) throw new Error(`The custom resource response was refused: ${response.status}`);
}
