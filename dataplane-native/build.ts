// Turning generated C into a binary or a shared library with gcc, cached by
// a hash of everything that goes into the build.

import { createHash } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GeneratedProgram } from './codegen.js';
import { repoRoot } from './native-spec.js';

export const runtimeDir = join(repoRoot, 'dataplane-native', 'runtime');

export type BuildKind = 'exe' | 'shared';

export interface BuildOptions {
  readonly kind: BuildKind;
  /** Add -fsanitize=address,undefined (tests). */
  readonly sanitize?: boolean;
  /** Add -march=native (not portable). */
  readonly marchNative?: boolean;
  /** Build with debug info and no optimisation. */
  readonly debug?: boolean;
  /** Where cached builds live; default <repo>/.cache/native. */
  readonly cacheDir?: string;
  /** Packets per batch (CVM_BATCH_MAX). */
  readonly batch?: number;
}

export interface BuildResult {
  /** Path of the binary or shared library. */
  readonly output: string;
  /** Folder with generated.c and the output. */
  readonly dir: string;
  /** The exact compiler command, runnable from `dir`. */
  readonly command: readonly string[];
  readonly cached: boolean;
}

export class NativeBuildError extends Error {
  override name = 'NativeBuildError';
}

let gccVersion: string | undefined;
/** `gcc --version`'s first line (part of every build's cache key). */
export function compilerVersion(): string {
  if (gccVersion === undefined) {
    try {
      gccVersion = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? 'gcc';
    } catch {
      throw new NativeBuildError('gcc is not installed (run scripts/setup.sh)');
    }
  }
  return gccVersion;
}

/** Libraries every build links: libm, and zlib for FromDump's gzip-compressed traces. */
const LIBS = ['-lm', '-lz'];

/**
 * Headers an element C file includes with `#include "..."` (beside it, or
 * from the repository root), recursively: they are part of the build, so
 * they are part of the cache key too.
 */
export function includedHeaders(file: string, seen: Set<string>): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  for (const m of text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
    for (const candidate of [join(dirname(file), m[1]!), join(repoRoot, m[1]!)]) {
      if (seen.has(candidate) || !existsSync(candidate)) continue;
      seen.add(candidate);
      includedHeaders(candidate, seen);
      break;
    }
  }
}

/** Optimisation, sanitizer, target and batch flags: what shapes the code, apart from the files. */
function codeFlags(opts: BuildOptions): string[] {
  // Sanitizer builds use -O1: they exist to find bugs, and compile in half the time.
  const flags = opts.debug ? ['-O0', '-g'] : opts.sanitize ? ['-O1', '-g'] : ['-O2'];
  if (opts.sanitize) flags.push('-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-fno-sanitize-recover=undefined');
  if (opts.marchNative) flags.push('-march=native');
  if (opts.batch) flags.push(`-DCVM_BATCH_MAX=${opts.batch}`);
  // -fPIC for a shared library: the prebuilt runtime object goes into it too.
  if (opts.kind === 'shared') flags.push('-fPIC');
  return ['gcc', '-std=gnu11', ...flags, '-Wall', '-Wextra', '-Werror', '-Wno-unused-function', '-Wno-unused-parameter', `-I${repoRoot}`, `-I${runtimeDir}`];
}

/**
 * The gcc arguments for a build, with generated.c in the current directory:
 * one translation unit with the whole runtime (what `clickvm compile`
 * writes into build.sh). `runtimeObject` is the prebuilt cold part of the
 * runtime to link instead of compiling it again.
 */
export function compilerCommand(opts: BuildOptions, output: string, runtimeObject?: string): string[] {
  const driver = opts.kind === 'exe' ? join(runtimeDir, 'main.c') : join(runtimeDir, 'lib.c');
  // -Bsymbolic: several compiled routers may live in one process (tests); each
  // library must bind to its own runtime symbols, never to another's.
  const kindFlags = opts.kind === 'shared' ? ['-shared', '-Wl,-Bsymbolic'] : [];
  const prebuilt = runtimeObject ? ['-DCVM_RUNTIME_PREBUILT'] : [];
  return [...codeFlags(opts), ...prebuilt, ...kindFlags, 'generated.c', driver, ...(runtimeObject ? [runtimeObject] : []), '-o', output, ...LIBS];
}

/** A hash of the compiler, the runtime's files and `parts`, for cache keys. */
function buildHash(...parts: string[]): ReturnType<typeof createHash> {
  const hash = createHash('sha256');
  hash.update(compilerVersion());
  for (const p of parts) hash.update(p).update('\0');
  for (const f of readdirSync(runtimeDir).sort()) hash.update(f).update(readFileSync(join(runtimeDir, f)));
  return hash;
}

/** Run gcc writing `output` through a temporary name, so concurrent builds never see half a file. */
function compileTo(command: readonly string[], output: string, cwd: string): void {
  const tmp = `${output}.tmp${process.pid}`;
  try {
    const args = command.slice(1);
    args[args.lastIndexOf(output)] = tmp;
    execFileSync(command[0]!, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw buildFailed(cwd, e);
  }
  renameSync(tmp, output);
}

/**
 * The runtime's cold part (runtime/cold.c: everything but the packet pool
 * and the scheduler, which inline into element code) compiled once per set
 * of flags and cached: it is most of a small configuration's compile time.
 */
export function runtimeObject(opts: BuildOptions, build = true): string {
  const flags = codeFlags(opts);
  const key = buildHash(...flags).digest('hex').slice(0, 24);
  const dir = join(opts.cacheDir ?? join(repoRoot, '.cache', 'native'), `runtime-${key}`);
  const output = join(dir, 'cold.o');
  if (!build || existsSync(output)) return output;
  mkdirSync(dir, { recursive: true });
  compileTo([...flags, '-c', join(runtimeDir, 'cold.c'), '-o', output], output, dir);
  return output;
}

/** Where a build goes and the command that makes it (its cache key from everything that goes into it). */
function planBuild(program: GeneratedProgram, opts: BuildOptions): BuildResult {
  const hash = buildHash(JSON.stringify({ ...opts, cacheDir: undefined }), compilerCommand(opts, 'router', 'cold.o').join(' '), program.source);
  const headers = new Set<string>();
  for (const f of program.elementSources) {
    hash.update(readFileSync(join(repoRoot, f)));
    includedHeaders(join(repoRoot, f), headers);
  }
  for (const h of [...headers].sort()) if (!h.startsWith(runtimeDir)) hash.update(h).update(readFileSync(h));
  const key = hash.digest('hex').slice(0, 24);
  const dir = join(opts.cacheDir ?? join(repoRoot, '.cache', 'native'), key);
  const output = join(dir, opts.kind === 'exe' ? 'router' : 'router.so');
  const cached = existsSync(output);
  // The runtime object is built (once per flag set) only when something is to be compiled.
  return { output, dir, command: compilerCommand(opts, output, runtimeObject(opts, !cached)), cached };
}

let buildSerial = 0;

/** Write the sources of a build into its directory; the compiler's arguments, writing to a temporary name. */
function prepareBuild(program: GeneratedProgram, plan: BuildResult): { args: string[]; tmp: string } {
  const { dir, command, output } = plan;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'generated.c'), program.source);
  writeFileSync(join(dir, 'build.sh'), `#!/bin/sh\ncd "$(dirname "$0")" && ${command.map(shellQuote).join(' ')}\n`, { mode: 0o755 });
  const tmp = `${output}.tmp${process.pid}.${++buildSerial}`;
  const args = command.slice(1);
  args[args.lastIndexOf(output)] = tmp;
  return { args, tmp };
}

function buildFailed(dir: string, e: unknown): NativeBuildError {
  const stderr = (e as { stderr?: Buffer | string }).stderr?.toString() ?? String(e);
  return new NativeBuildError(`C compilation failed in ${dir}:\n${stderr}`);
}

/** Compile a generated program, reusing a cached build when nothing changed. */
export function buildNative(program: GeneratedProgram, opts: BuildOptions): BuildResult {
  const plan = planBuild(program, opts);
  if (plan.cached) return plan;
  const { args, tmp } = prepareBuild(program, plan);
  try {
    execFileSync(plan.command[0]!, args, { cwd: plan.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw buildFailed(plan.dir, e);
  }
  renameSync(tmp, plan.output);
  return plan;
}

/** buildNative with the compiler running beside the event loop (hot reconfiguration: the old router forwards meanwhile). */
export async function buildNativeAsync(program: GeneratedProgram, opts: BuildOptions): Promise<BuildResult> {
  const plan = planBuild(program, opts);
  if (plan.cached) return plan;
  const { args, tmp } = prepareBuild(program, plan);
  await new Promise<void>((resolve, reject) => {
    execFile(plan.command[0]!, args, { cwd: plan.dir, maxBuffer: 16 << 20 }, (e, _stdout, stderr) => (e ? reject(buildFailed(plan.dir, { stderr })) : resolve()));
  });
  renameSync(tmp, plan.output);
  return plan;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=,:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
