// What the handler-garbage tests need to know about a configuration: every
// element's read and write handlers, as the host engine lists them.

import { runSession, type SessionSpec, type HandlerStep } from './engines.js';

/** Handlers every element has; they describe the element and take no garbage worth testing (config is read-only here). */
const GENERIC = new Set(['handlers', 'config', 'ports', 'name', 'class']);

export interface Listing {
  /** `element.handler` paths with a read side. */
  readonly reads: string[];
  /** `element.handler` paths with a write side. */
  readonly writes: string[];
}

/** Every element's class-specific handlers in `spec`'s configuration (the router is initialized, not run). */
export function listHandlers(spec: Omit<SessionSpec, 'before' | 'after' | 'run'>): Listing {
  const names = runSession('host', { ...spec, run: false, after: [['r', 'list']] }).after[0];
  if (!names?.ok) throw new Error(`no element list: ${names?.message}`);
  const elements = names.value!.split('\n').slice(1).filter(Boolean);
  const steps: HandlerStep[] = elements.map((e) => ['r', `${e}.handlers`]);
  const got = runSession('host', { ...spec, run: false, after: steps }).after;
  const reads: string[] = [];
  const writes: string[] = [];
  elements.forEach((e, i) => {
    const o = got[i]!;
    if (!o.ok) return;
    for (const line of o.value!.split('\n')) {
      const [name, flags = ''] = line.split('\t');
      if (!name || GENERIC.has(name)) continue;
      if (flags.includes('r')) reads.push(`${e}.${name}`);
      if (flags.includes('w')) writes.push(`${e}.${name}`);
    }
  });
  return { reads, writes };
}
