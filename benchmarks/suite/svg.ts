// A small SVG writer for the benchmark charts: elements as strings with
// escaped attributes and text, a line chart (optionally log-scale y) and a
// grouped bar chart. No dependencies.

export type Attrs = Readonly<Record<string, string | number | undefined>>;

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const num = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/** `<name attrs>children</name>`, or `<name attrs/>` without children. */
export function el(name: string, attrs: Attrs, ...children: string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v!)}"`)
    .join('');
  return children.length ? `<${name}${a}>${children.join('')}</${name}>` : `<${name}${a}/>`;
}

export const text = (x: number, y: number, s: string, attrs: Attrs = {}): string => el('text', { x, y, ...attrs }, escapeXml(s));

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];

const W = 720;
const H = 420;
const M = { left: 70, right: 190, top: 40, bottom: 50 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

function svgDoc(title: string, body: string[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    el(
      'svg',
      { xmlns: 'http://www.w3.org/2000/svg', width: W, height: H, viewBox: `0 0 ${W} ${H}`, 'font-family': 'sans-serif', 'font-size': 12 },
      el('rect', { width: W, height: H, fill: 'white' }),
      text(W / 2, 22, title, { 'text-anchor': 'middle', 'font-size': 15 }),
      ...body,
    ) +
    '\n'
  );
}

function legend(items: readonly { name: string; color: string; dashed?: boolean; box?: boolean }[]): string[] {
  return items.map((it, i) => {
    const y = M.top + 10 + i * 18;
    const x = W - M.right + 14;
    const mark = it.box
      ? el('rect', { x: x + 6, y: y - 6, width: 12, height: 12, fill: it.color })
      : el('line', { x1: x, y1: y, x2: x + 24, y2: y, stroke: it.color, 'stroke-width': 2, 'stroke-dasharray': it.dashed ? '5 3' : undefined });
    return el('g', {}, mark, text(x + 30, y + 4, it.name));
  });
}

/** Ticks for a log axis between lo and hi: 1, 2, 5 times powers of ten. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

/** Ticks for a linear axis from 0 to at least hi, about five of them. */
export function linearTicks(hi: number): number[] {
  const raw = hi / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [0];
  while (out[out.length - 1]! < hi) out.push(Number((out.length * step).toPrecision(6)));
  return out;
}

const tickLabel = (v: number): string => (v >= 1 ? String(Number(v.toPrecision(3))) : String(Number(v.toPrecision(2))));

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color?: string;
  readonly dashed?: boolean;
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** x positions with labels (evenly spaced, in this order). */
  readonly xs: readonly number[];
  readonly logY?: boolean;
}

export function lineChart(c: LineChart): string {
  const ys = c.series.flatMap((s) => s.points.map((p) => p[1])).filter((y) => y > 0 && Number.isFinite(y));
  const lo = c.logY ? 10 ** Math.floor(Math.log10(Math.min(...ys, 1))) : 0;
  const hi = c.logY ? 10 ** Math.ceil(Math.log10(Math.max(...ys, 1))) : Math.max(...ys, 1) * 1.1;
  const ticks = c.logY ? logTicks(lo, hi) : linearTicks(hi);
  const top = c.logY ? hi : ticks[ticks.length - 1]!;
  const yOf = (v: number): number => (c.logY ? M.top + PH - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(top) - Math.log10(lo))) * PH : M.top + PH - (v / top) * PH);
  const xOf = (x: number): number => {
    const i = c.xs.indexOf(x);
    return M.left + (c.xs.length > 1 ? (i / (c.xs.length - 1)) * PW : PW / 2);
  };
  const body: string[] = [];
  for (const t of ticks) {
    const y = yOf(t);
    body.push(el('line', { x1: M.left, y1: y, x2: M.left + PW, y2: y, stroke: '#ddd' }), text(M.left - 6, y + 4, tickLabel(t), { 'text-anchor': 'end' }));
  }
  for (const x of c.xs) body.push(text(xOf(x), M.top + PH + 18, String(x), { 'text-anchor': 'middle' }));
  body.push(
    el('rect', { x: M.left, y: M.top, width: PW, height: PH, fill: 'none', stroke: '#333' }),
    text(M.left + PW / 2, H - 12, c.xLabel, { 'text-anchor': 'middle' }),
    text(18, M.top + PH / 2, c.yLabel, { 'text-anchor': 'middle', transform: `rotate(-90 18 ${M.top + PH / 2})` }),
  );
  const items = c.series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length]! }));
  for (const s of items) {
    const pts = s.points.filter((p) => p[1] > 0 && Number.isFinite(p[1]) && c.xs.includes(p[0]));
    if (!pts.length) continue;
    body.push(el('polyline', { points: pts.map((p) => `${num(xOf(p[0]))},${num(yOf(p[1]))}`).join(' '), fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '5 3' : undefined }));
    for (const p of pts) body.push(el('circle', { cx: xOf(p[0]), cy: yOf(p[1]), r: 2.5, fill: s.color }));
  }
  body.push(...legend(items));
  return svgDoc(c.title, body);
}

export interface BarChart {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly series: readonly { readonly name: string; readonly values: readonly (number | undefined)[] }[];
  /** A horizontal reference line (e.g. ratio 1). */
  readonly reference?: number;
}

export function barChart(c: BarChart): string {
  const vals = c.series.flatMap((s) => s.values).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const ticks = linearTicks(Math.max(...vals, c.reference ?? 0, 1) * 1.05);
  const top = ticks[ticks.length - 1]!;
  const yOf = (v: number): number => M.top + PH - (v / top) * PH;
  const body: string[] = [];
  for (const t of ticks) {
    const y = yOf(t);
    body.push(el('line', { x1: M.left, y1: y, x2: M.left + PW, y2: y, stroke: '#ddd' }), text(M.left - 6, y + 4, tickLabel(t), { 'text-anchor': 'end' }));
  }
  const gw = PW / Math.max(c.groups.length, 1);
  const bw = (gw * 0.8) / Math.max(c.series.length, 1);
  c.groups.forEach((g, gi) => {
    const gx = M.left + gi * gw + gw * 0.1;
    c.series.forEach((s, si) => {
      const v = s.values[gi];
      if (v === undefined || !Number.isFinite(v)) return;
      body.push(el('rect', { x: gx + si * bw, y: yOf(v), width: Math.max(bw - 1, 1), height: M.top + PH - yOf(v), fill: PALETTE[si % PALETTE.length] }, el('title', {}, escapeXml(`${g} ${s.name}: ${v.toFixed(2)}`))));
    });
    body.push(text(gx + gw * 0.4, M.top + PH + 18, g, { 'text-anchor': 'middle', 'font-size': 11 }));
  });
  if (c.reference !== undefined) body.push(el('line', { x1: M.left, y1: yOf(c.reference), x2: M.left + PW, y2: yOf(c.reference), stroke: '#000', 'stroke-dasharray': '5 3' }));
  body.push(
    el('rect', { x: M.left, y: M.top, width: PW, height: PH, fill: 'none', stroke: '#333' }),
    text(18, M.top + PH / 2, c.yLabel, { 'text-anchor': 'middle', transform: `rotate(-90 18 ${M.top + PH / 2})` }),
  );
  body.push(...legend(c.series.map((s, i) => ({ name: s.name, color: PALETTE[i % PALETTE.length]!, box: true }))));
  return svgDoc(c.title, body);
}
