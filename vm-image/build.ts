// Turning generated C into a bootable VM image: the router (generated.c and
// the runtime's main.c, unchanged) is compiled against musl with
// -DCVM_TARGET_VM and linked with the kernel of vm-image/kernel/ and musl's
// static libc.a into one ELF that QEMU's microvm boots through PVH
// (`-kernel router.img`). Builds are cached by a hash of everything that
// goes into them, as dataplane-native/build.ts does for host binaries.
//
// Two kinds of kernel files: the kernel proper, compiled freestanding
// (no SSE registers, since the syscall path must not clobber them, no red
// zone, no stack protector: it runs before musl sets up TLS); and the files
// that work with the runtime's interfaces (io-wait.c, virtio-*.c), compiled
// like the router with musl's headers and the runtime's include path.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedProgram } from '../dataplane-native/codegen.js';
import { compilerVersion, includedHeaders, NativeBuildError, runtimeDir } from '../dataplane-native/build.js';
import { repoRoot } from '../dataplane-native/native-spec.js';

export const kernelDir = join(repoRoot, 'vm-image', 'kernel');
/** Debian's musl-dev puts the static C library here. */
export const MUSL_LIBC = '/usr/lib/x86_64-linux-musl/libc.a';

/** Kernel files compiled with the router (they use the runtime's headers). */
const RUNTIME_SIDE = /^(io-wait|control-serial|virtio-.*)\.c$/;

const WARNINGS = ['-Wall', '-Wextra', '-Werror'];
const KERNEL_CFLAGS = [
  '-std=gnu11', '-O2', ...WARNINGS, '-ffreestanding', '-fno-stack-protector', '-mno-red-zone',
  '-mgeneral-regs-only', '-fno-pic', '-fno-pie', '-fno-asynchronous-unwind-tables',
];

export interface ImageOptions {
  /** Where cached builds live; default <repo>/.cache/vm-image. */
  readonly cacheDir?: string;
  /** Packets per batch (CVM_BATCH_MAX). */
  readonly batch?: number;
}

export interface ImageResult {
  /** The stripped image, for `-kernel`. */
  readonly output: string;
  /** The same image with symbols (for addr2line on a crash report). */
  readonly elf: string;
  /** Folder with the sources, objects, build.sh and the images. */
  readonly dir: string;
  /** Bytes of the stripped image. */
  readonly size: number;
  /** The compiler and linker commands, each runnable from `dir`. */
  readonly commands: readonly (readonly string[])[];
  readonly cached: boolean;
}

/** A C file of the program side, compiled against musl with the runtime's include path. */
interface ProgramUnit {
  /** Name of the file in the build folder (written there when `text` is given). */
  readonly name: string;
  readonly text?: string;
  /** An existing file to compile instead of `text`. */
  readonly path?: string;
}

function requireTool(cmd: string, pkg: string): void {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
  } catch {
    throw new NativeBuildError(`${cmd} is not installed (Debian package ${pkg}; run scripts/setup.sh)`);
  }
}

function programCflags(opts: ImageOptions): string[] {
  return [
    '-std=gnu11', '-O2', ...WARNINGS, '-Wno-unused-function', '-Wno-unused-parameter', '-DCVM_TARGET_VM',
    '-fno-pie', '-ffunction-sections', '-fdata-sections', ...(opts.batch ? [`-DCVM_BATCH_MAX=${opts.batch}`] : []),
    `-I${repoRoot}`, `-I${runtimeDir}`, `-I${kernelDir}`,
  ];
}

function kernelFiles(): { kernel: string[]; runtimeSide: string[] } {
  const all = readdirSync(kernelDir).sort();
  return {
    kernel: all.filter((f) => (f.endsWith('.c') && !RUNTIME_SIDE.test(f)) || f.endsWith('.S')),
    runtimeSide: all.filter((f) => RUNTIME_SIDE.test(f)),
  };
}

function libgcc(): string {
  return execFileSync('gcc', ['-print-libgcc-file-name'], { encoding: 'utf8' }).trim();
}

function run(cmd: readonly string[], cwd: string): void {
  try {
    execFileSync(cmd[0]!, cmd.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
    throw new NativeBuildError(`VM image build failed in ${cwd}:\n${cmd.join(' ')}\n${stderr}`);
  }
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=,:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Build in a private folder renamed into place, so two processes building the same thing never see each other's halves. */
function buildAtomically<T>(dir: string, build: (tmp: string) => T): T {
  const tmp = `${dir}.tmp${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  let result: T;
  try {
    result = build(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process finished first
  }
  return result;
}

/** Hash of the compilers, musl, the flags and every kernel and runtime file: what the base objects depend on. */
function baseHash(opts: ImageOptions): ReturnType<typeof createHash> {
  const hash = createHash('sha256');
  hash.update(compilerVersion());
  const libc = statSync(MUSL_LIBC);
  hash.update(`${libc.size} ${libc.mtimeMs}`);
  hash.update(KERNEL_CFLAGS.join(' ')).update(programCflags(opts).join(' '));
  for (const dir of [kernelDir, runtimeDir]) {
    for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  }
  return hash;
}

/**
 * The objects every image shares, compiled once per set of flags: the
 * kernel, its runtime-side files and the runtime's cold part (runtime/cold.c;
 * generated code then includes only the packet pool and the scheduler).
 */
function baseObjects(opts: ImageOptions): { objects: string[]; cold: string } {
  const { kernel, runtimeSide } = kernelFiles();
  const dir = join(opts.cacheDir ?? join(repoRoot, '.cache', 'vm-image'), `base-${baseHash(opts).digest('hex').slice(0, 24)}`);
  const name = (f: string, prefix: string): string => `${prefix}-${f.replace(/^.*\//, '').replace(/\.[cS]$/, '')}.o`;
  const objects = [...kernel.map((f) => join(dir, name(f, 'k'))), ...runtimeSide.map((f) => join(dir, name(f, 'r')))];
  const cold = join(dir, 'cold.o');
  if (!existsSync(dir)) {
    buildAtomically(dir, (tmp) => {
      const cflags = programCflags(opts);
      for (const f of kernel) {
        const src = join(kernelDir, f);
        run(f.endsWith('.S') ? ['gcc', '-c', src, '-o', name(f, 'k')] : ['gcc', ...KERNEL_CFLAGS, '-c', src, '-o', name(f, 'k')], tmp);
      }
      for (const f of runtimeSide) run(['musl-gcc', ...cflags, '-c', join(kernelDir, f), '-o', name(f, 'r')], tmp);
      run(['musl-gcc', ...cflags, '-c', join(runtimeDir, 'cold.c'), '-o', 'cold.o'], tmp);
    });
  }
  return { objects, cold };
}

/** Compile the program's units, link them with the base objects and strip, in `dir`; returns the commands. */
function buildIn(dir: string, units: readonly ProgramUnit[], opts: ImageOptions, router: boolean): string[][] {
  const base = baseObjects(opts);
  const commands: string[][] = [];
  const objects = [...base.objects, ...(router ? [base.cold] : [])];
  // A router's generated code leaves the runtime's cold part to the prebuilt object.
  const cflags = [...programCflags(opts), ...(router ? ['-DCVM_RUNTIME_PREBUILT'] : [])];
  units.forEach((u, i) => {
    const src = u.path ?? u.name;
    const obj = `p${i}-${src.replace(/^.*\//, '').replace(/\.c$/, '')}.o`;
    commands.push(['musl-gcc', ...cflags, '-c', src, '-o', obj]);
    objects.push(obj);
  });
  commands.push([
    'gcc', '-nostdlib', '-static', '-no-pie', `-Wl,-T,${join(kernelDir, 'kernel.ld')}`, '-Wl,-z,max-page-size=4096',
    '-Wl,-z,noexecstack', '-Wl,--gc-sections', '-Wl,--build-id=none', '-o', 'router.elf', ...objects,
    '-Wl,--start-group', MUSL_LIBC, libgcc(), '-Wl,--end-group',
  ]);
  commands.push(['strip', '-o', 'router.img', 'router.elf']);
  for (const u of units) if (u.text !== undefined) writeFileSync(join(dir, u.name), u.text);
  writeFileSync(join(dir, 'build.sh'), `#!/bin/sh\nset -e\ncd "$(dirname "$0")"\n${commands.map((c) => c.map(shellQuote).join(' ')).join('\n')}\n`, { mode: 0o755 });
  for (const c of commands) run(c, dir);
  writeFileSync(join(dir, 'commands.json'), JSON.stringify(commands));
  return commands;
}

function buildCached(units: readonly ProgramUnit[], extraSources: readonly string[], opts: ImageOptions, router: boolean): ImageResult {
  requireTool('musl-gcc', 'musl-tools');
  if (!existsSync(MUSL_LIBC)) throw new NativeBuildError(`${MUSL_LIBC} is missing (Debian package musl-dev; run scripts/setup.sh)`);
  const hash = baseHash(opts);
  hash.update(JSON.stringify({ ...opts, cacheDir: undefined, router }));
  for (const u of units) hash.update(u.name).update(u.text ?? readFileSync(u.path!));
  const headers = new Set<string>();
  for (const f of extraSources) {
    hash.update(readFileSync(f));
    includedHeaders(f, headers);
  }
  for (const h of [...headers].sort()) if (!h.startsWith(runtimeDir)) hash.update(h).update(readFileSync(h));
  const key = hash.digest('hex').slice(0, 24);
  const dir = join(opts.cacheDir ?? join(repoRoot, '.cache', 'vm-image'), key);
  const output = join(dir, 'router.img');
  const elf = join(dir, 'router.elf');
  if (existsSync(output)) {
    const commands = JSON.parse(readFileSync(join(dir, 'commands.json'), 'utf8')) as string[][];
    return { output, elf, dir, size: statSync(output).size, commands, cached: true };
  }
  const commands = buildAtomically(dir, (tmp) => buildIn(tmp, units, opts, router));
  return { output, elf, dir, size: statSync(output).size, commands, cached: false };
}

/** Build the VM image of a generated configuration (with the runtime's main.c as its driver). */
export function buildImage(program: GeneratedProgram, opts: ImageOptions = {}): ImageResult {
  return buildCached(
    [{ name: 'generated.c', text: program.source }, { name: 'main.c', path: join(runtimeDir, 'main.c') }],
    program.elementSources.map((f) => join(repoRoot, f)),
    opts,
    true,
  );
}

/**
 * Build an image from one C file with its own main(), linked exactly as a
 * router is (tests use it to make programs that crash or call libc in ways
 * a router does not).
 */
export function buildProgramImage(source: string, opts: ImageOptions = {}): ImageResult {
  return buildCached([{ name: 'program.c', text: source }], [], opts, false);
}
