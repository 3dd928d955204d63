import { GetDataEndpointCommand, type KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { GetMediaCommand, type KinesisVideoMediaClient } from '@aws-sdk/client-kinesis-video-media';
import { MediaApiError, type MediaSelector, type MediaSession, type MediaSource } from '../domain/ports';

/** GetDataEndpoint answers are kept this long; the service may move a stream's endpoint. */
export const ENDPOINT_TTL_MS = 40 * 60 * 1000;

interface CachedEndpoint {
  readonly endpoint: string;
  readonly fetchedAt: number;
}

/** GetMedia through the stream's GET_MEDIA data endpoint, which is asked for once and cached per container. */
export class KinesisVideoMediaSource implements MediaSource {
  private readonly endpoints = new Map<string, CachedEndpoint>();

  constructor(
    private readonly control: Pick<KinesisVideoClient, 'send'>,
    private readonly mediaClient: (endpoint: string) => Pick<KinesisVideoMediaClient, 'send'>,
    private readonly now: () => number = Date.now,
  ) {}

  invalidateEndpoint(streamName: string): void {
    this.endpoints.delete(streamName);
  }

  async getMedia(streamName: string, selector: MediaSelector, signal: AbortSignal): Promise<MediaSession> {
    const endpoint = await this.endpoint(streamName);
    try {
      const output = await this.mediaClient(endpoint).send(
        new GetMediaCommand({ StreamName: streamName, StartSelector: selector }),
        { abortSignal: signal },
      );
      const payload = output.Payload as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
      if (!payload) throw new MediaApiError('EmptyPayload', 'GetMedia answered without a payload');
      return {
        payload,
        destroy: () => payload.destroy?.(),
      };
    } catch (error) {
      throw asMediaError(error);
    }
  }

  private async endpoint(streamName: string): Promise<string> {
    const cached = this.endpoints.get(streamName);
    if (cached && this.now() - cached.fetchedAt < ENDPOINT_TTL_MS) return cached.endpoint;
    try {
      const { DataEndpoint } = await this.control.send(
        new GetDataEndpointCommand({ StreamName: streamName, APIName: 'GET_MEDIA' }),
      );
      if (!DataEndpoint) throw new MediaApiError('InvalidEndpointException', 'GetDataEndpoint returned no endpoint');
      this.endpoints.set(streamName, { endpoint: DataEndpoint, fetchedAt: this.now() });
      return DataEndpoint;
    } catch (error) {
      throw asMediaError(error);
    }
  }
}

function asMediaError(error: unknown): unknown {
  if (error instanceof MediaApiError) return error;
  const name = (error as { name?: string })?.name;
  if (typeof name === 'string' && name.endsWith('Exception')) {
    return new MediaApiError(name, (error as Error).message);
  }
  return error;
}
