// A configuration made into a VM image, with what the tools need to know
// about it later: which NICs it uses and which elements it holds. The
// manifest travels beside the image (IMAGE.json), so `vm start IMAGE` can
// check the NICs it is given against what the configuration uses.

import { readFileSync, writeFileSync } from 'node:fs';
import { ClickError, type Diagnostic } from '../config-lang/diagnostics.js';
import { loadConfig } from '../config-lang/load.js';
import { generateC } from '../dataplane-native/codegen.js';
import { registry } from '../elements/registry.js';
import { buildImage, type ImageOptions, type ImageResult } from './build.js';
import { classCounts, imageDiagnostics } from './check.js';
import { nicsUsed, type NicsUsed } from './nics-used.js';

export interface ConfigSource {
  readonly text: string;
  readonly fileName: string;
  readonly defines?: Readonly<Record<string, string>>;
}

export interface ConfigImage {
  /** The built (cached) image. */
  readonly built: ImageResult;
  readonly nics: NicsUsed;
  /** Element classes and how many of each. */
  readonly classes: ReadonlyMap<string, number>;
  readonly warnings: readonly Diagnostic[];
}

/**
 * Check a configuration for the VM (no files, devices named by NIC number),
 * compile it and build its image. Every reason it cannot be an image is
 * reported at once, as a ClickError with positioned diagnostics.
 */
export function imageForConfig(src: ConfigSource, opts: ImageOptions = {}): ConfigImage {
  const graph = loadConfig(src.text, src.fileName, { defines: { ...src.defines } });
  const nics = nicsUsed(graph);
  const refused = [...imageDiagnostics(graph), ...nics.diagnostics].sort((a, b) => a.span.start - b.span.start);
  if (refused.length) throw new ClickError(refused);
  const program = generateC(graph, { configText: src.text, classNames: () => [...registry.keys()] });
  return { built: buildImage(program, opts), nics, classes: classCounts(graph), warnings: graph.warnings };
}

export interface ImageManifest {
  /** The configuration file the image was built from. */
  readonly config: string;
  /** NICs the configuration uses (FromDevice/ToDevice numbers + 1). */
  readonly nics: number;
  readonly classes: Readonly<Record<string, number>>;
  readonly size: number;
}

export const manifestPath = (image: string): string => `${image}.json`;

export function writeManifest(image: string, m: ImageManifest): void {
  writeFileSync(manifestPath(image), JSON.stringify(m, null, 2) + '\n');
}

/** The manifest beside an image, if there is a readable one. */
export function readManifest(image: string): ImageManifest | undefined {
  try {
    const m = JSON.parse(readFileSync(manifestPath(image), 'utf8')) as Partial<ImageManifest>;
    return typeof m.nics === 'number' && typeof m.config === 'string' ? (m as ImageManifest) : undefined;
  } catch {
    return undefined;
  }
}
