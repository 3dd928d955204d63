import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { formatKvsTimestamp } from '../../lambdas/kvs-consumer/media/timestamps';

export interface PutMediaCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** One acknowledgement line of a PutMedia response. */
export interface PutMediaAck {
  readonly EventType: 'BUFFERING' | 'RECEIVED' | 'PERSISTED' | 'ERROR' | 'IDLE';
  readonly FragmentTimecode?: number;
  readonly FragmentNumber?: string;
  readonly ErrorId?: number;
}

export interface PutMediaOptions {
  /** The PUT_MEDIA data endpoint (GetDataEndpoint). */
  readonly dataEndpoint: string;
  readonly streamName: string;
  readonly region: string;
  readonly credentials: PutMediaCredentials;
  /** The MKV stream to send. */
  readonly body: AsyncIterable<Buffer>;
  /** @default 'ABSOLUTE' */
  readonly timecodeType?: 'ABSOLUTE' | 'RELATIVE';
  /** Epoch ms. @default now */
  readonly producerStartMs?: number;
  readonly onAck?: (ack: PutMediaAck) => void;
}

export class PutMediaError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
    readonly errorType?: string,
  ) {
    super(message);
    this.name = 'PutMediaError';
  }
}

/**
 * PutMedia as the Producer SDK sends it: one long POST with the MKV stream as a chunked body, signed with SigV4 on
 * the headers and the empty-body payload hash (the body is a stream), acknowledgements read as they arrive. The AWS
 * SDK for JavaScript has no PutMedia, so this is a small client of its own.
 */
export async function putMedia(options: PutMediaOptions): Promise<PutMediaAck[]> {
  const url = new URL('/putMedia', options.dataEndpoint);
  const signer = new SignatureV4({
    service: 'kinesisvideo',
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
  });
  const headers: Record<string, string> = {
    host: url.host,
    'x-amzn-stream-name': options.streamName,
    'x-amzn-fragment-timecode-type': options.timecodeType ?? 'ABSOLUTE',
    'x-amzn-producer-start-timestamp': formatKvsTimestamp(options.producerStartMs ?? Date.now()),
    'x-amzn-fragment-acknowledgment-required': '1',
  };
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: {},
    headers,
  });
  const transport = url.protocol === 'https:' ? https : http;
  const acks: PutMediaAck[] = [];

  return new Promise<PutMediaAck[]>((resolve, reject) => {
    const request = transport.request(
      {
        method: 'POST',
        hostname: url.hostname,
        port: url.port || undefined,
        path: url.pathname,
        headers: { ...signed.headers, 'transfer-encoding': 'chunked' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          if (response.statusCode !== 200) return;
          let newline = text.indexOf('\n');
          while (newline >= 0) {
            const line = text.slice(0, newline).trim();
            text = text.slice(newline + 1);
            if (line) {
              const ack = JSON.parse(line) as PutMediaAck;
              acks.push(ack);
              options.onAck?.(ack);
            }
            newline = text.indexOf('\n');
          }
        });
        response.on('end', () => {
          if (response.statusCode === 200) resolve(acks);
          else {
            const type = String(response.headers['x-amzn-errortype'] ?? '').split(':')[0];
            let message = text;
            try {
              const body = JSON.parse(text) as { Message?: string; message?: string };
              message = body.Message ?? body.message ?? text;
            } catch {
              // not JSON: keep the text
            }
            reject(new PutMediaError(`${type || 'PutMedia failed'}: ${message}`, response.statusCode, type));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    void (async () => {
      try {
        for await (const chunk of options.body) {
          if (!request.write(chunk)) await new Promise((drained) => request.once('drain', drained));
        }
        request.end();
      } catch (error) {
        request.destroy(error as Error);
        reject(error);
      }
    })();
  });
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the SigV4 signer wants. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
