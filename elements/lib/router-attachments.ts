// Router-wide state shared by the elements of one router (Click's
// Router::force_attachment, and the statics Click shares between all
// instances of a class). The engine provides one Map per router through
// env.attachments; an engine without it gets per-element state instead, so
// nothing breaks, only the sharing is lost.

import type { ElementEnv } from '../../host-engine/element.js';

const fallback = new WeakMap<ElementEnv, Map<string, unknown>>();

function attachments(env: ElementEnv): Map<string, unknown> {
  if (env.attachments) return env.attachments;
  let m = fallback.get(env);
  if (!m) {
    m = new Map();
    fallback.set(env, m);
  }
  return m;
}

/** The router's attachment `key`, made by `make` on first use. Callers pick keys unique to their purpose. */
export function routerAttachment<T>(env: ElementEnv, key: string, make: () => T): T {
  const m = attachments(env);
  if (!m.has(key)) m.set(key, make());
  return m.get(key) as T;
}
