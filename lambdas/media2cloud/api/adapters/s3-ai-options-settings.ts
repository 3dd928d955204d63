import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isOptions } from '../../pipeline/domain/ai-options';
import { AI_OPTIONS_SETTINGS_KEY } from '../../pipeline/domain/layout';
import type { AiOptionsSettingsStore } from '../domain/console-ports';
import type { AiOptions } from '../domain/records';

/** The global `aiOptions` as one JSON object in the proxy bucket, where the pipeline reads them at ingest. */
export class S3AiOptionsSettings implements AiOptionsSettingsStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async get(): Promise<AiOptions | undefined> {
    let text: string;
    try {
      const { Body } = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: AI_OPTIONS_SETTINGS_KEY }),
      );
      text = Body ? await Body.transformToString('utf-8') : '';
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      return isOptions(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async put(options: AiOptions): Promise<Readonly<Record<string, unknown>>> {
    const { $metadata: _metadata, ...answer } = await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: AI_OPTIONS_SETTINGS_KEY,
        Body: JSON.stringify(options),
        ContentType: 'application/json',
      }),
    );
    return answer;
  }

  async delete(): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: AI_OPTIONS_SETTINGS_KEY }));
  }
}
