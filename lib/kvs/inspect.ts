import { GetMediaReader } from '../../lambdas/kvs-consumer/media/get-media-reader';

/** One line of `kvs:inspect`: a fragment of a GetMedia capture, or the error chunk that ended it. */
export interface InspectLine {
  readonly fragmentNumber?: string;
  readonly serverTimestampMs?: number;
  readonly producerTimestampMs?: number;
  readonly millisBehindNow?: number;
  readonly continuationToken?: string;
  readonly bytes?: number;
  readonly error?: { readonly id: number; readonly code: string } | string;
}

/** Reads a GetMedia capture from chunks and yields a line per fragment, per error chunk, and for a cut-off tail. */
export async function* inspectCapture(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<InspectLine> {
  const reader = new GetMediaReader();
  for await (const chunk of chunks) {
    for (const event of reader.push(chunk)) {
      if (event.kind === 'error') {
        yield { error: { id: event.errorId, code: event.errorCode } };
        continue;
      }
      yield {
        fragmentNumber: event.fragmentNumber,
        serverTimestampMs: event.serverTimestampMs,
        producerTimestampMs: event.producerTimestampMs,
        ...(event.millisBehindNow !== undefined ? { millisBehindNow: event.millisBehindNow } : {}),
        continuationToken: event.continuationToken,
        bytes: event.bytes.length,
      };
    }
  }
  const { partial } = reader.end();
  if (partial) yield { error: 'the capture ends inside a fragment (its bytes are not a complete fragment)' };
}
