// Every configuration the front-end tests run over: Click's conformance
// cases, the examples and benchmarks, and this folder's own test configs.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

function clickFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...clickFiles(path));
    else if (name.endsWith('.click')) out.push(path);
  }
  return out;
}

export interface CorpusFile {
  /** Path relative to the repository root. */
  readonly name: string;
  readonly path: string;
  readonly text: string;
}

export function corpus(): CorpusFile[] {
  const files = [
    ...clickFiles(join(ROOT, 'test', 'fixtures', 'conformance')),
    ...clickFiles(join(ROOT, 'examples')),
    ...clickFiles(join(ROOT, 'benchmarks', 'configs')),
    ...clickFiles(join(ROOT, 'test', 'config-lang', 'configs')),
  ];
  return files.map((path) => ({ name: relative(ROOT, path), path, text: readFileSync(path, 'utf8') }));
}

export const REPO_ROOT = ROOT;
