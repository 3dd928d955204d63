/**
 * The MediaPackage (v1) request members a template may set, by the names boto3 and the AWS SDKs use (the original
 * keys its templates "as defined in the boto3 spec"). Each member's JSON type is checked after rendering, so a
 * template fails with the member's path rather than with a MediaPackage validation message.
 */
export type MemberType = 'string' | 'integer' | 'number' | 'boolean' | 'string[]' | 'object' | 'object[]';

export const CHANNEL_MEMBERS: Readonly<Record<string, MemberType>> = {
  Id: 'string',
  Description: 'string',
  Tags: 'object',
};

export const PACKAGE_MEMBERS = ['HlsPackage', 'DashPackage', 'CmafPackage', 'MssPackage'] as const;
export type PackageMember = (typeof PACKAGE_MEMBERS)[number];

export const ORIGIN_ENDPOINT_MEMBERS: Readonly<Record<string, MemberType>> = {
  Id: 'string',
  ChannelId: 'string',
  Authorization: 'object',
  CmafPackage: 'object',
  DashPackage: 'object',
  Description: 'string',
  HlsPackage: 'object',
  ManifestName: 'string',
  MssPackage: 'object',
  Origination: 'string',
  StartoverWindowSeconds: 'integer',
  Tags: 'object',
  TimeDelaySeconds: 'integer',
  Whitelist: 'string[]',
};

const STREAM_SELECTION = 'object';

export const PACKAGE_SHAPES: Readonly<Record<PackageMember, Readonly<Record<string, MemberType>>>> = {
  HlsPackage: {
    AdMarkers: 'string',
    AdTriggers: 'string[]',
    AdsOnDeliveryRestrictions: 'string',
    Encryption: 'object',
    IncludeDvbSubtitles: 'boolean',
    IncludeIframeOnlyStream: 'boolean',
    PlaylistType: 'string',
    PlaylistWindowSeconds: 'integer',
    ProgramDateTimeIntervalSeconds: 'integer',
    SegmentDurationSeconds: 'integer',
    StreamSelection: STREAM_SELECTION,
    UseAudioRenditionGroup: 'boolean',
  },
  DashPackage: {
    AdTriggers: 'string[]',
    AdsOnDeliveryRestrictions: 'string',
    Encryption: 'object',
    IncludeIframeOnlyStream: 'boolean',
    ManifestLayout: 'string',
    ManifestWindowSeconds: 'integer',
    MinBufferTimeSeconds: 'integer',
    MinUpdatePeriodSeconds: 'integer',
    PeriodTriggers: 'string[]',
    Profile: 'string',
    SegmentDurationSeconds: 'integer',
    SegmentTemplateFormat: 'string',
    StreamSelection: STREAM_SELECTION,
    SuggestedPresentationDelaySeconds: 'integer',
    UtcTiming: 'string',
    UtcTimingUri: 'string',
  },
  CmafPackage: {
    Encryption: 'object',
    HlsManifests: 'object[]',
    SegmentDurationSeconds: 'integer',
    SegmentPrefix: 'string',
    StreamSelection: STREAM_SELECTION,
  },
  MssPackage: {
    Encryption: 'object',
    ManifestWindowSeconds: 'integer',
    SegmentDurationSeconds: 'integer',
    StreamSelection: STREAM_SELECTION,
  },
};

export function hasType(value: unknown, type: MemberType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'object[]':
      return (
        Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))
      );
  }
}
