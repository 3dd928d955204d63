import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RawRequest } from '../apigateway/sigv4';
import { xmlEscape, type AwsResponse } from '../protocol/wire';

const PREFIX = '/_mediaplane/files/';

/**
 * Files a service keeps in its own storage and hands out as pre-signed links (Transcribe's transcripts in its
 * service bucket and vocabulary downloads, Translate's terminology and parallel-data downloads): anyone holding the
 * link may GET the file until it expires, as with an S3 pre-signed URL, and nobody can forge or extend one. The
 * files live under the module's directory; the links are served by the module's own endpoint.
 */
export class SignedLinks {
  private readonly secret: Buffer;
  private readonly root: string;

  constructor(directory: string) {
    this.root = path.join(directory, 'files');
    fs.mkdirSync(this.root, { recursive: true });
    const secretFile = path.join(directory, 'link-secret');
    // Kept with the state, so links handed out before a restart still work until they expire.
    if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, randomBytes(32), { mode: 0o600 });
    this.secret = fs.readFileSync(secretFile);
  }

  /** Stores a file under `name` (a relative path of safe segments). */
  store(name: string, body: Buffer | string, contentType: string): void {
    const file = this.file(name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
    fs.writeFileSync(`${file}.type`, contentType);
  }

  remove(prefix: string): void {
    fs.rmSync(this.file(prefix), { recursive: true, force: true });
    fs.rmSync(`${this.file(prefix)}.type`, { force: true });
  }

  /** A link to the file, valid for `seconds` from now. */
  link(endpoint: string, name: string, seconds: number, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + seconds;
    const target = PREFIX + name.split('/').map(encodeURIComponent).join('/');
    return `${endpoint}${target}?Expires=${expires}&Signature=${this.sign(target, expires)}`;
  }

  /** Whether a request is for a link (answered without a SigV4 signature: the link is the credential). */
  static isLinkRequest(request: RawRequest): boolean {
    return request.method.toUpperCase() === 'GET' && request.rawPath.startsWith(PREFIX);
  }

  /** Serves a link as S3 serves a pre-signed GET, with S3's errors. */
  serve(request: RawRequest, now = Date.now()): AwsResponse {
    const query = new URLSearchParams(request.rawQuery);
    const expires = Number(query.get('Expires'));
    const signature = query.get('Signature') ?? '';
    const expected = Number.isInteger(expires) ? this.sign(request.rawPath, expires) : '';
    const valid =
      expected.length > 0 &&
      signature.length === expected.length &&
      timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    if (!valid) return s3Error(403, 'AccessDenied', 'Request has expired or the signature does not match');
    if (expires * 1000 < now) return s3Error(403, 'AccessDenied', 'Request has expired');
    let name: string;
    try {
      name = decodeURIComponent(request.rawPath.slice(PREFIX.length));
    } catch {
      return s3Error(400, 'InvalidURI', 'Could not parse the specified URI');
    }
    const file = this.file(name);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    }
    const contentType = fs.existsSync(`${file}.type`)
      ? fs.readFileSync(`${file}.type`, 'utf8')
      : 'application/octet-stream';
    return { statusCode: 200, headers: { 'Content-Type': contentType }, body: fs.readFileSync(file) };
  }

  private sign(target: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${target}\n${expires}`).digest('hex');
  }

  private file(name: string): string {
    const resolved = path.resolve(this.root, name);
    if (!resolved.startsWith(this.root + path.sep)) throw new Error(`Not a file name: ${name}`);
    return resolved;
  }
}

function s3Error(statusCode: number, code: string, message: string): AwsResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/xml' },
    body: Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`,
    ),
  };
}
