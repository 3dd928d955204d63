import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { errorText } from '../domain/errors';
import { basenameOf, imageinfoKey, transcodePrefix } from '../domain/layout';
import { parseIngestState, type IngestState } from '../domain/state';
import { readImageInfo, type ImageInfo } from '../media/image-metadata';
import { imageArguments, parseImageSizeProbe, probeImageSizeArguments } from '../media/transcode';
import { runMediaTool } from '../media/tools';
import type { PipelineDependencies } from '../ports';
import { uploadOutputs } from './transcode';

export type RunImageinfoDependencies = Pick<PipelineDependencies, 'records' | 'objects' | 'tools' | 'scratch'>;

/**
 * `Run imageinfo`: EXIF, XMP and IPTC of the image to `imageinfo/imageinfo.json` (the record's `imageinfo`), a
 * JPEG preview `transcode/proxy/<basename>.jpg` and a thumbnail `…/<basename>_thumbnail.jpg` that fits 480×270.
 */
export async function runImageinfo(event: unknown, deps: RunImageinfoDependencies): Promise<IngestState> {
  const state = parseIngestState(event);
  const { input } = state;
  const basename = basenameOf(input.key);
  const output = imageinfoKey(input.destination.prefix);
  await deps.scratch(async (directory) => {
    const source = path.join(directory, 'source');
    await deps.objects.download({ bucket: input.bucket, key: input.key }, source);

    let info: ImageInfo;
    try {
      info = { ...(await readImageInfo(source)), MIMEType: input.mime };
    } catch (error) {
      // Damaged metadata does not make a damaged image: ffmpeg below decides whether the image can be used.
      info = { MIMEType: input.mime, Warning: `metadata unreadable: ${errorText(error)}` };
    }
    if (info.ImageWidth === undefined || info.ImageHeight === undefined) {
      // A JPEG holds its size only in its frame header, which metadata readers leave alone; ffprobe reads it.
      const size = await runMediaTool(deps.tools.ffprobe, probeImageSizeArguments(source), 'ffprobe')
        .then(parseImageSizeProbe)
        .catch(() => undefined);
      if (size) info = { ...info, ImageWidth: size.width, ImageHeight: size.height };
    }

    const proxyDir = path.join(directory, 'proxy');
    await mkdir(proxyDir);
    const args = imageArguments(source, {
      preview: path.join(proxyDir, `${basename}.jpg`),
      thumbnail: path.join(proxyDir, `${basename}_thumbnail.jpg`),
    });
    await runMediaTool(deps.tools.ffmpeg, args, `ffmpeg could not decode the image ${input.key}`);
    await uploadOutputs(deps, input.destination.bucket, input.destination.prefix, { proxy: proxyDir });
    await deps.objects.putText(
      { bucket: input.destination.bucket, key: output },
      JSON.stringify(info, null, 2),
      'application/json',
    );
  });
  await deps.records.update(state.uuid, { set: { imageinfo: output } });
  return {
    ...state,
    data: { ...state.data, imageinfo: { output }, transcode: { output: transcodePrefix(input.destination.prefix) } },
  };
}
