import type { HttpResult } from '../support/local';

/** Polls `GET /assets/{uuid}` through a signed client until `overallStatus` is COMPLETED or ERROR, and returns it. */
export async function assetSettled(
  api: { get(route: string): Promise<HttpResult> },
  uuid: string,
  timeoutMs: number,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  let last: HttpResult | undefined;
  while (Date.now() < deadline) {
    last = await api.get(`assets/${uuid}`);
    if (last.status === 200 && ['COMPLETED', 'ERROR'].includes(last.json().overallStatus)) return last.json();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`asset ${uuid} did not settle: ${last?.status} ${last?.text.slice(0, 500)}`);
}
