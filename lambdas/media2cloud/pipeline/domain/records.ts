import type { MediaType } from '../../search/document';

export type { MediaType };

/** Where an asset's proxies and analysis results go: the proxy bucket and the asset's prefix (`<uuid>/<dir>/`). */
export interface Destination {
  readonly bucket: string;
  readonly prefix: string;
}

export interface ObjectLocation {
  readonly bucket: string;
  readonly key: string;
}

/** The original's output types: `aiml` (video/audio proxies for analysis), `proxy` (an image), `prod`. */
export type ProxyOutputType = 'aiml' | 'proxy' | 'prod';

/** One entry of the ingest record's `proxies`, as the original's `update-record` state lists them. */
export interface ProxyEntry {
  readonly key: string;
  readonly outputType: ProxyOutputType;
  readonly mime: string;
  /** The major type of `mime` (`video`, `audio`, `image`). */
  readonly type: string;
  readonly fileSize: number;
  readonly storageClass: string;
  readonly lastModified: number;
}

/** The original's `docinfo` (`numPages`, `fingerprint`), plus the PDF's own descriptive Info entries. */
export interface DocInfo {
  readonly numPages: number;
  /** pdf.js's first fingerprint: the hex of the trailer's first `/ID`, or the MD5 of the first 1024 bytes. */
  readonly fingerprint: string;
  readonly version?: string;
  readonly title?: string;
  readonly author?: string;
  readonly subject?: string;
  readonly keywords?: string;
  readonly creator?: string;
  readonly producer?: string;
  readonly encrypted?: boolean;
}
