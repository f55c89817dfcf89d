// How the clickvm command ends: diagnostics on stderr and exit status 1 for
// problems in the user's configuration or command line, one line and exit
// status 2 for anything unexpected. Never a stack trace.

import { writeFileSync } from 'node:fs';
import { ClickError, formatClickDiagnostics, formatDiagnostics, type Diagnostic } from '../config-lang/diagnostics.js';

export const EXIT_OK = 0;
/** The configuration or the command line is wrong. */
export const EXIT_ERRORS = 1;
/** clickvm itself failed (a bug). */
export const EXIT_INTERNAL = 2;

/** A mistake on the command line (missing file, bad option value). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The command could not do what it was asked though it was asked rightly (a
 * VM that would not start, a handler that refused a value): one line,
 * status 1, no usage hint.
 */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * Thrown by a command that has already said what it had to and wants a
 * particular exit status (the `run` command uses it for the driver's status).
 */
export class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitStatus';
  }
}

/** Where command output goes; tests and embedders may swap it. */
export const io = {
  out: (text: string): void => {
    process.stdout.write(text);
  },
  err: (text: string): void => {
    process.stderr.write(text);
  },
};

/**
 * How diagnostics look: `clickvm` (file:line:col, source line, caret, hints)
 * or `click` (Click's own `file:line: message`; --click-diagnostics).
 */
export const diagnosticStyle: { style: 'clickvm' | 'click' } = { style: 'clickvm' };

export function printDiagnostics(ds: readonly Diagnostic[]): void {
  if (ds.length > 0) io.err(diagnosticStyle.style === 'click' ? formatClickDiagnostics(ds) : formatDiagnostics(ds));
}

/** Write command output to a file, or to stdout. */
export function writeOutput(text: string, path: string | undefined): void {
  if (path === undefined || path === '-') {
    io.out(text);
    return;
  }
  try {
    writeFileSync(path, text);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new UsageError(`cannot write '${path}': ${typeof code === 'string' ? code : String(e)}`);
  }
}

/** Print what went wrong and return the exit status for it. */
export function reportFailure(e: unknown): number {
  if (e instanceof ExitStatus) return e.code;
  if (e instanceof ClickError) {
    printDiagnostics(e.diagnostics);
    return EXIT_ERRORS;
  }
  if (e instanceof UsageError) {
    io.err(`clickvm: ${e.message}\nTry 'clickvm --help' for more information.\n`);
    return EXIT_ERRORS;
  }
  if (e instanceof CommandError) {
    io.err(`clickvm: ${e.message}\n`);
    return EXIT_ERRORS;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(`clickvm: internal error: ${message.split('\n')[0]}\n`);
  return EXIT_INTERNAL;
}
