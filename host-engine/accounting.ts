// Packet accounting: every packet an element received or made must have been
// sent on, dropped, consumed, or still be held by it. The engine checks
// in + created == out + dropped + consumed + held for every element at the
// end of a run; a difference means a packet was lost (or invented) silently.

import type { HostElement } from './element.js';

export interface AccountingRow {
  readonly name: string;
  readonly className: string;
  readonly in: number;
  readonly created: number;
  readonly out: number;
  readonly dropped: number;
  readonly consumed: number;
  readonly held: number;
  /** (in + created) - (out + dropped + consumed + held); zero when balanced. */
  readonly imbalance: number;
}

export interface AccountingReport {
  readonly rows: readonly AccountingRow[];
  readonly violations: readonly AccountingRow[];
  readonly ok: boolean;
}

export interface ElementCounts {
  readonly name: string;
  readonly className: string;
  readonly in: number;
  readonly created: number;
  readonly out: number;
  readonly dropped: number;
  readonly consumed: number;
  readonly held: number;
}

/** The balance of every element, from its counts (any engine). */
export function accountCounts(counts: readonly ElementCounts[]): AccountingReport {
  const rows = counts.map((c): AccountingRow => ({ ...c, imbalance: c.in + c.created - (c.out + c.dropped + c.consumed + c.held) }));
  const violations = rows.filter((r) => r.imbalance !== 0);
  return { rows, violations, ok: violations.length === 0 };
}

export function accountFor(elements: readonly HostElement[]): AccountingReport {
  return accountCounts(elements.map((e) => ({ name: e.name, className: e.className, ...e.stats, held: e.held() })));
}

/** One line per unbalanced element, naming the element and every count. */
export function formatViolation(r: AccountingRow): string {
  const lost = r.imbalance > 0 ? `${r.imbalance} packet(s) unaccounted for` : `${-r.imbalance} packet(s) too many`;
  return (
    `packet accounting: ${r.name} :: ${r.className}: ${lost} ` +
    `(in ${r.in} + created ${r.created} != out ${r.out} + dropped ${r.dropped} + consumed ${r.consumed} + held ${r.held})`
  );
}

/** A table of every element's counts, for `--accounting`-style reports and test failure output. */
export function formatAccountingTable(report: AccountingReport): string {
  const head = ['element', 'in', 'created', 'out', 'dropped', 'consumed', 'held', ''];
  const lines = report.rows.map((r) => [
    `${r.name} :: ${r.className}`,
    String(r.in),
    String(r.created),
    String(r.out),
    String(r.dropped),
    String(r.consumed),
    String(r.held),
    r.imbalance ? `imbalance ${r.imbalance}` : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [fmt(head), ...lines.map(fmt)].join('\n') + '\n';
}
