/**
 * The layering of src/ as data, and a checker that reads imports with a real parser
 * (@babel/parser: multi-line, type-only, re-exports and literal dynamic imports alike).
 * docs/architecture.md draws the same floors; test/layering.test.ts holds the code to them.
 */
import { parse } from '@babel/parser';
import { dirname, join, normalize } from 'node:path';

/** Floors from the bottom up: a file may import its own floor or lower, never higher. */
export const FLOORS: ReadonlyArray<{ floor: number; name: string; places: string[] }> = [
  { floor: 0, name: 'domain', places: ['domain/', 'errors.ts', 'output.ts'] },
  { floor: 1, name: 'parts', places: ['matchers/', 'importers/', 'checksums/', 'report/'] },
  { floor: 2, name: 'storage', places: ['db/'] },
  { floor: 3, name: 'operations', places: ['operations/', 'reconcile/'] },
  { floor: 4, name: 'adapters', places: ['commands/', 'schedule/', 'ui/', 'context.ts'] },
  { floor: 5, name: 'entry', places: ['cli.ts', 'cli-help.ts', 'cli-completion.ts', 'cli-man.ts', 'main.ts'] },
];

/** Imports forbidden even on the same floor or below: who may reach commands/, and the adapters' mutual independence. */
const FORBIDDEN: ReadonlyArray<{ from: RegExp; to: RegExp; why: string }> = [
  { from: /^(?!cli\.ts$|commands\/)/, to: /^commands\//, why: 'only cli.ts reaches commands/' },
  { from: /^schedule\//, to: /^(ui|commands)\//, why: 'the scheduler calls operations, never screens or commands' },
  { from: /^ui\//, to: /^(schedule|commands)\//, why: 'screens get their data and actions handed in' },
  { from: /^(matchers|importers|checksums|report)\//, to: /^(matchers|importers|checksums|report)\//, why: 'parts do not know one another' },
];

/** Exceptions to FORBIDDEN that are part of the design, each with its reason. */
const ALLOWED_BETWEEN_PARTS: ReadonlyArray<[RegExp, RegExp]> = [
  // Each part may use its own folder.
  [/^matchers\//, /^matchers\//],
  [/^importers\//, /^importers\//],
  [/^checksums\//, /^checksums\//],
  [/^report\//, /^report\//],
];

export function floorOf(file: string): number | undefined {
  for (const f of FLOORS) if (f.places.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p))) return f.floor;
  return undefined;
}

/** Every module a source imports, re-exports or loads with a literal import(): the specifiers. */
export function importsOf(source: string, file: string): string[] {
  const ast = parse(source, {
    sourceType: 'module',
    plugins: file.endsWith('.tsx') ? ['typescript', 'jsx'] : ['typescript'],
  });
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const n = node as { type?: string; source?: { value?: unknown }; arguments?: Array<{ type: string; value?: unknown }> };
    if ((n.type === 'ImportDeclaration' || n.type === 'ExportNamedDeclaration' || n.type === 'ExportAllDeclaration') && typeof n.source?.value === 'string') {
      found.push(n.source.value);
    }
    if (n.type === 'CallExpression' && (n as { callee?: { type?: string } }).callee?.type === 'Import') {
      const arg = n.arguments?.[0];
      if (arg?.type === 'StringLiteral' && typeof arg.value === 'string') found.push(arg.value);
    }
    for (const [key, value] of Object.entries(n)) {
      if (key !== 'loc' && key !== 'start' && key !== 'end' && value && typeof value === 'object') visit(value);
    }
  };
  visit(ast.program);
  return found;
}

/** The file (relative to src/) that a relative specifier names, if it is one of `files`. */
function resolveSpecifier(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = normalize(join(dirname(from), spec)).replace(/\\/g, '/');
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

export interface Violation {
  kind: 'upward' | 'forbidden' | 'cycle' | 'unplaced';
  message: string;
}

/** Check a set of sources (path relative to src/ -> text) against FLOORS and FORBIDDEN, and for cycles. */
export function checkLayers(sources: ReadonlyMap<string, string>): Violation[] {
  const files = new Set(sources.keys());
  const edges = new Map<string, string[]>();
  const violations: Violation[] = [];
  for (const [file, text] of sources) {
    const from = floorOf(file);
    if (from === undefined) {
      violations.push({ kind: 'unplaced', message: `${file} is on no floor: add its folder to FLOORS and docs/architecture.md` });
      continue;
    }
    const targets: string[] = [];
    for (const spec of importsOf(text, file)) {
      const target = resolveSpecifier(file, spec, files);
      if (!target) continue;
      targets.push(target);
      const to = floorOf(target);
      if (to !== undefined && to > from) {
        violations.push({ kind: 'upward', message: `${file} imports ${spec} (${target}): floor ${from} may not import floor ${to}` });
      }
      for (const rule of FORBIDDEN) {
        if (!rule.from.test(file) || !rule.to.test(target)) continue;
        if (ALLOWED_BETWEEN_PARTS.some(([a, b]) => a.test(file) && b.test(target))) continue;
        violations.push({ kind: 'forbidden', message: `${file} imports ${spec} (${target}): ${rule.why}` });
      }
    }
    edges.set(file, targets);
  }
  for (const cycle of findCycles(edges)) violations.push({ kind: 'cycle', message: `import cycle: ${cycle.join(' -> ')}` });
  return violations;
}

/** Each cycle once, as a path that returns to its start (depth-first search over the import graph). */
function findCycles(edges: ReadonlyMap<string, string[]>): string[][] {
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const walk = (file: string): void => {
    state.set(file, 'active');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'active') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle.slice(0, -1)].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) {
        walk(next);
      }
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) walk(file);
  return cycles;
}
