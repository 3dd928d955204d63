import type { MetadataField, SearchEntry } from '../../../search/document';
import { TextAnalysisTypes } from '../../domain/ai-options';
import { analysisMetadataKey } from '../../domain/layout';
import type { MediaType } from '../../domain/records';
import { StateStatus } from '../../domain/statuses';
import { generalTags, type MediainfoReport } from '../../media/mediainfo';
import type { Analyzer, AnalysisAsset, AnalyzerDependencies, AnalyzerOutcome } from '../analyzer';

const ID = TextAnalysisTypes.Tags;

export type TagField = Exclude<MetadataField, 'subtitle' | 'pagetext'>;
export type Tags = Partial<Record<TagField, string[]>>;

/** Fields whose values are lists in one string (`harbour, boats; tide`). */
const LIST_FIELDS: ReadonlySet<TagField> = new Set(['keywords', 'genre']);

/** Where each field's values come from, per source, by the source's own tag names. */
const SOURCES: Readonly<
  Record<'media' | 'image' | 'document', Readonly<Partial<Record<TagField, readonly string[]>>>>
> = {
  // MediaInfoLib's General track: ID3, MP4 `ilst`, Matroska and other container tags.
  media: {
    title: ['Title', 'Movie', 'Track'],
    description: ['Description', 'Synopsis', 'Subject'],
    keywords: ['Keywords'],
    artist: ['Performer', 'Album_Performer', 'Artist'],
    album: ['Album'],
    genre: ['Genre'],
    creator: ['Composer', 'Director', 'Producer', 'Author'],
    copyright: ['Copyright'],
    comment: ['Comment'],
  },
  // EXIF, XMP and IPTC as `imageinfo.json` names them (exiftool's names).
  image: {
    title: ['Title', 'XPTitle', 'ObjectName', 'Headline'],
    description: ['Description', 'ImageDescription', 'Caption-Abstract', 'XPSubject'],
    keywords: ['Subject', 'Keywords', 'XPKeywords', 'HierarchicalSubject'],
    artist: ['Artist', 'XPAuthor', 'By-line'],
    creator: ['Creator'],
    copyright: ['Copyright', 'Rights', 'CopyrightNotice'],
    comment: ['XPComment', 'UserComment', 'Comment'],
  },
  // The PDF's Info dictionary, as `docinfo` holds it.
  document: {
    title: ['title'],
    description: ['subject'],
    keywords: ['keywords'],
    creator: ['author'],
  },
};

/**
 * Descriptive tags — title, description, keywords, artist, album, genre, creator, copyright, comment — from what
 * ingest extracted: ID3 and container tags (MediaInfo), EXIF/XMP/IPTC (`imageinfo`), the PDF Info dictionary
 * (`docinfo`). Kept in `metadata/tags/tags.json` and indexed as the search fields of the same names.
 */
export const tagsAnalyzer: Analyzer = {
  id: ID,
  service: 'none',
  options: [ID],
  mediaTypes: ['video', 'audio', 'image', 'document'],
  available: true,
  category: (asset) => asset.type,
  async run({ asset }, deps): Promise<AnalyzerOutcome> {
    const startTime = deps.now();
    const tags = collectTags(asset.type, await sourceOf(asset, deps));
    const fields = Object.keys(tags) as TagField[];
    if (fields.length === 0) return { status: StateStatus.NoData, output: { startTime, endTime: deps.now() } };
    const metadata = analysisMetadataKey(asset.destination.prefix, ID);
    await deps.objects.putText(
      { bucket: asset.destination.bucket, key: metadata },
      JSON.stringify(tags, null, 2),
      'application/json',
    );
    const patch = Object.fromEntries(
      fields.map((field): [TagField, SearchEntry[]] => [field, tags[field]!.map((name) => ({ name }))]),
    );
    await deps.search.update(asset.uuid, patch);
    return {
      status: StateStatus.Completed,
      output: { metadata, fields, startTime, endTime: deps.now() },
      indexed: fields,
    };
  },
};

async function sourceOf(asset: AnalysisAsset, deps: AnalyzerDependencies): Promise<Readonly<Record<string, unknown>>> {
  const { bucket } = asset.destination;
  if (asset.type === 'document') return { ...asset.docinfo };
  const key = asset.type === 'image' ? asset.imageinfo : asset.mediainfo?.[0];
  if (!key) return {};
  const text = await deps.objects.getText({ bucket, key });
  if (text === undefined) return {};
  const parsed = JSON.parse(text) as unknown;
  if (asset.type === 'image') return parsed as Record<string, unknown>;
  return generalTags(parsed as MediainfoReport);
}

/** The tags of a source, each value once (case-insensitively), lists split into their items. */
export function collectTags(type: MediaType, source: Readonly<Record<string, unknown>>): Tags {
  const mapping = SOURCES[type === 'image' || type === 'document' ? type : 'media'];
  const tags: Tags = {};
  for (const [field, names] of Object.entries(mapping) as Array<[TagField, readonly string[]]>) {
    const seen = new Set<string>();
    const values: string[] = [];
    for (const name of names) {
      const raw = source[name];
      if (typeof raw !== 'string' && typeof raw !== 'number') continue;
      const items = LIST_FIELDS.has(field) ? String(raw).split(/[,;]/) : [String(raw)];
      for (const item of items.map((each) => each.trim()).filter((each) => each.length > 0)) {
        if (seen.has(item.toLowerCase())) continue;
        seen.add(item.toLowerCase());
        values.push(item);
      }
    }
    if (values.length > 0) tags[field] = values;
  }
  return tags;
}
