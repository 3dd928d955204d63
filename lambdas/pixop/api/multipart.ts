import { badRequest } from '../domain/errors';
import type { UploadedFile } from '../domain/media';

/**
 * The uploaded file of a `multipart/form-data` body: the part named `file` (curl's `-F file=@clip.mov`, the
 * original's form field), else the first file part. Parsed with the Fetch API's multipart reader built into Node
 * (undici), so no parser of our own.
 */
export async function readUploadedFile(contentType: string, body: Buffer): Promise<UploadedFile> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw badRequest('The body is not a valid multipart/form-data upload');
  }
  const isFile = (value: unknown): value is Blob & { name?: string } => value instanceof Blob;
  const named: unknown = form.get('file');
  const file = isFile(named) ? named : ([...form.values()] as unknown[]).find(isFile);
  if (!file) throw badRequest('The multipart upload has no file part (send it as the "file" field)');
  return {
    fileName: typeof file.name === 'string' ? file.name : 'upload.bin',
    contentType: file.type,
    bytes: Buffer.from(await file.arrayBuffer()),
  };
}
