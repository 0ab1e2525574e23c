/**
 * Inline SVG charts for the HTML report: no scripts, no fonts, no network. Every chart has a
 * fixed viewBox and scales to its container; every mark has a <title> for a hover tooltip.
 */
import { html, raw, type Html } from './html-escape.js';

export interface Segment {
  value: number;
  /** CSS class that colours the segment (see html-style.ts). */
  cls: string;
  title: string;
}

export interface Bar {
  label: string;
  /** Text at the end of the bar (defaults to the sum of the segments). */
  note?: string;
  segments: Segment[];
}

const W = 640;
const LABEL_W = 170;
const NOTE_W = 120;
const ROW_H = 26;

function barRows(bars: Bar[], scale: (bar: Bar) => number): Html[] {
  const plot = W - LABEL_W - NOTE_W;
  return bars.map((bar, i) => {
    const y = 8 + i * ROW_H;
    let x = LABEL_W;
    const factor = scale(bar);
    const rects = bar.segments
      .filter((s) => s.value > 0)
      .map((s) => {
        const w = Math.max(1, s.value * factor * plot);
        const r = html`<rect class="${s.cls}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${ROW_H - 8}"><title>${s.title}</title></rect>`;
        x += w;
        return r;
      });
    const total = bar.segments.reduce((a, s) => a + s.value, 0);
    return html`<g><text class="lbl" x="${LABEL_W - 8}" y="${y + ROW_H / 2}" text-anchor="end">${bar.label}</text>${rects}<text class="val" x="${x + 6}" y="${y + ROW_H / 2}">${bar.note ?? total.toLocaleString('en-US')}</text></g>`;
  });
}

function frame(id: string, title: string, height: number, body: Html[] | Html, empty: boolean): Html {
  if (empty) return html`<figure class="chart" id="${id}"><figcaption>${title}</figcaption><p class="empty">Nothing to show.</p></figure>`;
  return html`<figure class="chart" id="${id}"><figcaption>${title}</figcaption><svg role="img" aria-label="${title}" viewBox="0 0 ${W} ${height}" preserveAspectRatio="xMinYMin meet">${body}</svg></figure>`;
}

/** Horizontal bars, all on one scale (the largest bar fills the plot). */
export function barChart(id: string, title: string, bars: Bar[]): Html {
  const max = Math.max(0, ...bars.map((b) => b.segments.reduce((a, s) => a + s.value, 0)));
  const height = 16 + bars.length * ROW_H;
  return frame(id, title, height, barRows(bars, () => (max > 0 ? 1 / max : 0)), bars.length === 0 || max === 0);
}

/**
 * One full-width bar per row showing how the row's total splits (shares). Used where rows are
 * not comparable with each other, such as amounts in different currencies.
 */
export function shareChart(id: string, title: string, bars: Bar[]): Html {
  const height = 16 + bars.length * ROW_H;
  const rows = barRows(bars, (bar) => {
    const sum = bar.segments.reduce((a, s) => a + s.value, 0);
    return sum > 0 ? 1 / sum : 0;
  });
  return frame(id, title, height, rows, bars.length === 0);
}

/** Vertical columns with a label under each (used for age buckets). */
export function columnChart(id: string, title: string, columns: Array<{ label: string; value: number; cls: string }>): Html {
  const H = 220;
  const base = H - 30;
  const max = Math.max(0, ...columns.map((c) => c.value));
  const slot = W / Math.max(1, columns.length);
  const body = columns.map((c, i) => {
    const h = max > 0 ? (c.value / max) * (base - 24) : 0;
    const x = i * slot + slot * 0.2;
    const w = slot * 0.6;
    const bar = c.value > 0 ? html`<rect class="${c.cls}" x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${w.toFixed(1)}" height="${Math.max(1, h).toFixed(1)}"><title>${c.label}: ${c.value}</title></rect>` : raw('');
    return html`<g>${bar}<text class="val" x="${(x + w / 2).toFixed(1)}" y="${(base - h - 6).toFixed(1)}" text-anchor="middle">${c.value.toLocaleString('en-US')}</text><text class="lbl" x="${(x + w / 2).toFixed(1)}" y="${base + 18}" text-anchor="middle">${c.label}</text></g>`;
  });
  body.push(html`<line class="axis" x1="0" y1="${base}" x2="${W}" y2="${base}"/>`);
  return frame(id, title, H, body, max === 0);
}
