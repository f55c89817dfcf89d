// Garbage written to every write handler of every element of the
// conformance configurations, in both engines: nothing crashes, both engines
// answer every write alike (accepted, or refused with the same message), and
// a refused write changes nothing (every read handler of the router reads
// the same before and after it).

import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runSession, type HandlerStep } from './engines.js';
import { listHandlers } from './handler-probe.js';

const CASES = join(import.meta.dirname, '../fixtures/conformance');
const GARBAGE = ['', 'garbage', '-1', '99999999999999999999999', '1.5e999', '\u0000\u00ff\n\t', '"unclosed', 'a'.repeat(70_000)];
/** Handlers that are allowed to read differently with nothing changed: clocks and rates. */
const VOLATILE = /(^|\.)(rate|byte_rate|bit_rate|time|uptime|now|first|last|timestamp)$/;
/** The native dataplane compiles these in; it refuses every change (documented in dataplane-native/README.md). */
const COMPILED_IN = /cannot change in the native dataplane/;
/** Writes that end or restart things rather than set a value; garbage for them is not the question. */
const ACTIONS = /^(stop|hotconfig)$/;

for (const name of readdirSync(CASES).filter((n) => /^\d/.test(n)).sort()) {
  t.test(name, async (t) => {
    const fromDir = join(CASES, name);
    const config = (await import('node:fs')).readFileSync(join(fromDir, 'config.click'), 'utf8');
    const all = listHandlers({ config, fromDir });
    const reads = all.reads.filter((r) => !VOLATILE.test(r));
    const writes = all.writes.filter((w) => !ACTIONS.test(w.slice(w.lastIndexOf('.') + 1)));
    const snapshot: HandlerStep[] = reads.map((r) => ['r', r]);
    // After the run (the state worth protecting), per write: reads, the write, reads again.
    const after: HandlerStep[] = [];
    const probes: { write: string; value: string; at: number }[] = [];
    for (const w of writes) {
      for (const value of GARBAGE) {
        after.push(...snapshot);
        probes.push({ write: w, value, at: after.length });
        after.push(['w', w, value], ...snapshot);
      }
    }
    const host = runSession('host', { config, fromDir, after });
    const native = runSession('native', { config, fromDir, after });
    t.equal(native.after.length, host.after.length, 'every step answered');
    let refused = 0;
    let unchanged = 0;
    for (const p of probes) {
      const label = `${p.write} <- ${JSON.stringify(p.value.slice(0, 20))}${p.value.length > 20 ? '...' : ''}`;
      const h = host.after[p.at]!;
      const n = native.after[p.at]!;
      if (!n.ok && COMPILED_IN.test(n.message)) continue;
      if (h.ok !== n.ok || (!h.ok && !n.ok && h.message !== n.message)) {
        t.fail(`${label}: host ${h.ok ? 'accepts' : `refuses (${h.message})`}, native ${n.ok ? 'accepts' : `refuses (${n.message})`}`);
        continue;
      }
      if (h.ok) continue;
      refused++;
      const before = host.after.slice(p.at - reads.length, p.at);
      for (const [engine, r] of [['host', host], ['native', native]] as const) {
        const after = r.after.slice(p.at + 1, p.at + 1 + reads.length);
        const changed = reads.filter((_, i) => JSON.stringify(after[i]) !== JSON.stringify(r.after[p.at - reads.length + i]));
        if (changed.length) t.fail(`${engine}: refused ${label} changed ${changed.join(', ')}`);
        else unchanged++;
      }
      void before;
    }
    t.pass(`${writes.length} write handlers x ${GARBAGE.length} values: ${refused} refused, each leaving ${reads.length} reads unchanged in both engines (${unchanged} checks)`);
    t.same(native.accounting, [], 'native accounts for every packet');
    t.same(host.accounting, [], 'host accounts for every packet');
  });
}
