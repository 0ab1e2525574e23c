/** Connected groups of candidate pairs: which rows a stage must decide together. Pure. */

/** Connected groups of candidate edges (union-find over both sides). */
export function components(edges: Array<{ l_id: number; p_id: number }>): Array<{ psp: number[]; ledger: number[] }> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const add = (x: string) => {
    if (!parent.has(x)) parent.set(x, x);
  };
  for (const e of edges) {
    const a = `p${e.p_id}`;
    const b = `l${e.l_id}`;
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  }
  const groups = new Map<string, { psp: number[]; ledger: number[] }>();
  for (const x of parent.keys()) {
    const r = find(x);
    const g = groups.get(r) ?? { psp: [], ledger: [] };
    (x[0] === 'p' ? g.psp : g.ledger).push(Number(x.slice(1)));
    groups.set(r, g);
  }
  for (const g of groups.values()) {
    g.psp.sort((a, b) => a - b);
    g.ledger.sort((a, b) => a - b);
  }
  return [...groups.values()];
}
