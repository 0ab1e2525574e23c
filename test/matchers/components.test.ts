import { expect, test } from 'vitest';
import { components } from '../../src/matchers/index.js';

const norm = (cs: ReturnType<typeof components>) => cs.map((c) => `${c.psp.join(',')}|${c.ledger.join(',')}`).sort();

test.each([
  ['one pair', [[1, 10]], ['10|1']],
  ['a ledger entry naming two PSP rows', [[1, 10], [1, 11]], ['10,11|1']],
  ['a chain joins everything it touches', [[1, 10], [2, 10], [2, 11], [3, 12]], ['10,11|1,2', '12|3']],
  ['no edges, no groups', [], []],
] as Array<[string, Array<[number, number]>, string[]]>)('%s', (_name, edges, expected) => {
  expect(norm(components(edges.map(([l_id, p_id]) => ({ l_id, p_id }))))).toEqual(expected);
});
