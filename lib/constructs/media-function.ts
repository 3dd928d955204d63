import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import {
  bundleFiles,
  layeredTools,
  layerModules,
  runsX64Binaries,
  type MediaFunctionSpec,
} from '../../lambdas/shared/media/function-spec';
import { mediaToolLayer } from './media-tool-layer';
import { NodeFunction } from './node-function';

export interface MediaFunctionProps {
  /** Handler source, relative to `lambdas/`. */
  readonly entry: string;
  /** @default 'handler' */
  readonly handler?: string;
  /** @default - none */
  readonly description?: string;
  /** Sizing, media tools, bundled files and native modules, as the backend's catalog gives them. */
  readonly spec: MediaFunctionSpec;
  /** @default - none */
  readonly environment?: Record<string, string>;
}

/**
 * A `NodeFunction` built from a catalog's `MediaFunctionSpec`: sized as the spec says, with its media tools (the
 * stack's ffmpeg, pdf.js and canvas layers, whose packages the bundle leaves out; MediaInfoLib's WASM copied next to
 * the bundle) and files, and deployed as x86_64 when it runs x86-64 binaries (the ffmpeg, ffprobe and native addons
 * shipped in npm packages are x86-64 builds).
 */
export class MediaFunction extends NodeFunction {
  constructor(scope: Construct, id: string, props: MediaFunctionProps) {
    const { spec } = props;
    validateSizing(id, spec);
    const files = bundleFiles(spec);
    const layered = layerModules(spec);
    super(scope, id, {
      entry: props.entry,
      handler: props.handler,
      description: props.description,
      environment: props.environment,
      timeout: Duration.seconds(spec.sizing.timeoutSeconds),
      memorySize: spec.sizing.memorySizeMb,
      ephemeralStorageMb: spec.sizing.ephemeralStorageMb,
      architecture: runsX64Binaries(spec) ? lambda.Architecture.X86_64 : undefined,
      copyFiles: Object.keys(files).length > 0 ? files : undefined,
      externalModules: layered.length > 0 ? layered : undefined,
    });
    this.function.addLayers(...layeredTools(spec).map((tool) => mediaToolLayer(this, tool)));
  }
}

/** Lambda's limits: a spec outside them would only fail at deployment, far from the catalog entry that is wrong. */
function validateSizing(id: string, { sizing }: MediaFunctionSpec): void {
  const limits: [keyof typeof sizing, number, number][] = [
    ['timeoutSeconds', 1, 900],
    ['memorySizeMb', 128, 10240],
    ['ephemeralStorageMb', 512, 10240],
  ];
  for (const [name, min, max] of limits) {
    const value = sizing[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`MediaFunction ${id}: sizing.${name} must be a whole number from ${min} to ${max}, got ${value}`);
    }
  }
}
