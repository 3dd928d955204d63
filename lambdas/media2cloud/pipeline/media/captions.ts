import type { CaptionSelector, JobSettings, Output } from '@aws-sdk/client-mediaconvert';
import { probeClosedCaptionsArguments, reportsClosedCaptions } from '../../../shared/media/captions';
import type { TranscodeOutput } from '../domain/layout';
import { runMediaTool } from './tools';

/**
 * CEA-608/708 captions embedded in a video (ATSC A/53 `cc_data` in H.264 SEI or MPEG-2 picture user data) become a
 * WebVTT sidecar of the `aiml` proxy: `transcode/aiml/<basename>.vtt`, listed in the record's `proxies` with
 * `outputType: 'aiml'` and `mime: 'text/vtt'` like the proxies beside it, and read by the subtitle analyzer. The
 * original lists whatever its transcode writes under `transcode/aiml/`; its job templates carry no captions, so
 * this is where the sidecar lands in a layout the original's readers already know. MediaConvert writes sidecar
 * captions only as an output of a group that also writes video, hence the `aiml` group.
 */

/** The output type (`transcode/<type>/`) the sidecar is written under. */
export const CAPTIONS_OUTPUT_TYPE: TranscodeOutput = 'aiml';
export const CAPTIONS_SELECTOR_NAME = 'Captions Selector 1';

/** The input's captions selector: the embedded captions of CC1. */
export function embeddedCaptionSelectors(): Record<string, CaptionSelector> {
  return {
    [CAPTIONS_SELECTOR_NAME]: {
      SourceSettings: {
        SourceType: 'EMBEDDED',
        EmbeddedSourceSettings: { Source608ChannelNumber: 1, Convert608To708: 'DISABLED' },
      },
    },
  };
}

/** The sidecar output: no container (`RAW`), one WebVTT captions description, plain text (no styling). */
export function captionsSidecarOutput(): Output {
  return {
    ContainerSettings: { Container: 'RAW' },
    CaptionDescriptions: [
      {
        CaptionSelectorName: CAPTIONS_SELECTOR_NAME,
        DestinationSettings: { DestinationType: 'WEBVTT', WebvttDestinationSettings: { StylePassthrough: 'DISABLED' } },
      },
    ],
    Extension: 'vtt',
  };
}

/**
 * The job's settings with the captions selector on its input and the sidecar output in its `aiml` output group
 * (the group whose `CustomName` is `aiml`, as the original names its groups).
 */
export function withEmbeddedCaptions(settings: JobSettings, groupName: string = CAPTIONS_OUTPUT_TYPE): JobSettings {
  const [input, ...others] = settings.Inputs ?? [];
  const groups = settings.OutputGroups ?? [];
  if (!input) throw new Error('the job has no input to select captions from');
  if (!groups.some((group) => group.CustomName === groupName)) throw new Error(`the job has no ${groupName} group`);
  return {
    ...settings,
    Inputs: [{ ...input, CaptionSelectors: { ...input.CaptionSelectors, ...embeddedCaptionSelectors() } }, ...others],
    OutputGroups: groups.map((group) =>
      group.CustomName === groupName
        ? { ...group, Outputs: [...(group.Outputs ?? []), captionsSidecarOutput()] }
        : group,
    ),
  };
}

/**
 * Whether the video (a file, or a URL ffprobe reads by ranges) carries embedded captions in its first pictures.
 * MediaInfo does not always say: the WASM build reports no caption track for a short H.264 MP4 whose every picture
 * carries `cc_data`, so ingest asks ffprobe.
 */
export async function probeEmbeddedCaptions(ffprobe: string, source: string): Promise<boolean> {
  const report = await runMediaTool(ffprobe, probeClosedCaptionsArguments(source), 'ffprobe could not read the video');
  return reportsClosedCaptions(report);
}
