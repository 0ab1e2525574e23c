/**
 * The inline stylesheet and the one small inline script of the HTML report. Inline so the
 * file is self-contained: it opens from a mail attachment with no network at all.
 */
import { DISCREPANCY_KINDS } from '../domain/discrepancy.js';

// Colour-blind-friendly palette (Okabe-Ito plus two), one colour per discrepancy kind.
const KIND_COLOURS = ['#D55E00', '#0072B2', '#E69F00', '#CC79A7', '#009E73', '#56B4E9', '#8C564B', '#F0E442', '#7F7F7F'];

export function kindClass(kind: string): string {
  const i = DISCREPANCY_KINDS.indexOf(kind as (typeof DISCREPANCY_KINDS)[number]);
  return i >= 0 ? `k${i}` : 'k8';
}

const kindRules = KIND_COLOURS.map((c, i) => `.k${i}{fill:${c}}.sw.k${i}{background:${c}}`).join('');

export const CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dde5;--bg:#fff;--panel:#f6f7f9;--bad:#b42318;--warn:#b54708;--ok:#067647}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:24px 32px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta{color:var(--muted);margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
.card{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:130px}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.card.bad b{color:var(--bad)}.card.ok b{color:var(--ok)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
figure.chart{margin:0;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 12px;break-inside:avoid}
figure.chart figcaption{font-weight:600;margin-bottom:6px}
figure.chart svg{width:100%;height:auto;display:block}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}svg text.val{fill:var(--muted)}svg .axis{stroke:var(--line)}
.c-open{fill:#b42318}.c-settled{fill:#98a2b3}.c-age{fill:#b54708}.sw.c-open{background:#b42318}.sw.c-settled{background:#98a2b3}
${kindRules}
.legend{font-size:12px;color:var(--muted);margin-top:4px}.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
.empty{color:var(--muted);font-style:italic}.zero{color:var(--line)}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--panel);position:sticky;top:0}
th[data-sort]{cursor:pointer;user-select:none}th[data-sort]:after{content:" \\2195";color:var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.group th{background:#eef1f6;font-size:13px;position:static}
.side small{color:var(--muted);display:block}
td.side{min-width:190px}td.ref{max-width:240px}
th[data-sort]{white-space:nowrap}
.sev-high{color:var(--bad);font-weight:600}.sev-medium{color:var(--warn)}.sev-low{color:var(--muted)}
.st-resolved,.st-closed{color:var(--ok)}.st-acknowledged{color:var(--warn)}.st-reopened,.st-open{color:var(--bad)}
table.resolved td.note-text{max-width:380px;white-space:pre-wrap}table.resolved td.when{white-space:nowrap}.audit.bad{color:var(--bad);font-weight:600}
.note{background:#fffaeb;border:1px solid #fedf89;border-radius:6px;padding:8px 12px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
@media print{
  body{padding:0;font-size:11px;max-width:none}
  .noprint{display:none}
  th{position:static}
  thead{display:table-header-group}
  tr,figure.chart,.card{break-inside:avoid}
  h2{break-after:avoid}
  .grid{grid-template-columns:1fr 1fr}
  a{color:inherit;text-decoration:none}
}
`;

/**
 * Click a column header to sort the rows of every group by it (again to reverse). Cells carry
 * a data-v sort key; numeric keys sort numerically. Without JavaScript the table stays grouped.
 */
export const SORT_SCRIPT = `
document.querySelectorAll('table.sortable').forEach(function(t){
  t.querySelectorAll('th[data-sort]').forEach(function(th){
    th.addEventListener('click',function(){
      var col=+th.dataset.sort, dir=th.dataset.dir==='asc'?-1:1; th.dataset.dir=dir===1?'asc':'desc';
      var num=/^-?\\d+(\\.\\d+)?$/;
      t.querySelectorAll('tbody').forEach(function(tb){
        // Read each key once, sort plain values, then move the rows in one fragment.
        var keyed=[].map.call(tb.querySelectorAll('tr.row'),function(r){
          var c=r.cells[col], v=c.dataset.v!==undefined&&c.dataset.v!==''?c.dataset.v:c.textContent;
          return {r:r,v:v,n:num.test(v)?parseFloat(v):NaN};
        });
        keyed.sort(function(a,b){
          if(!isNaN(a.n)&&!isNaN(b.n)) return (a.n-b.n)*dir;
          return a.v<b.v?-dir:a.v>b.v?dir:0;
        });
        var f=document.createDocumentFragment();
        keyed.forEach(function(k){f.appendChild(k.r);});
        tb.appendChild(f);
      });
    });
  });
});
`;
