import { describe, expect, it } from 'vitest';
import { parsePeriod } from '../../src/domain/period.js';

describe('parsePeriod: --period as an inclusive date range', () => {
  it.each([
    ['2025', { from: '2025-01-01', to: '2025-12-31' }],
    ['2025-Q1', { from: '2025-01-01', to: '2025-03-31' }],
    ['2025-q4', { from: '2025-10-01', to: '2025-12-31' }],
    ['2024-Q1', { from: '2024-01-01', to: '2024-03-31' }],
    ['2025-03', { from: '2025-03-01', to: '2025-03-31' }],
    ['2024-02', { from: '2024-02-01', to: '2024-02-29' }],
    ['2025-02', { from: '2025-02-01', to: '2025-02-28' }],
    ['2025-12', { from: '2025-12-01', to: '2025-12-31' }],
    ['2025-03-15', { from: '2025-03-15', to: '2025-03-15' }],
    [' 2025-03 ', { from: '2025-03-01', to: '2025-03-31' }],
  ])('%s', (text, range) => {
    expect(parsePeriod(text)).toEqual(range);
  });

  it.each(['', '25', '2025-13', '2025-00', '2025-Q5', '2025-02-30', '2025/03', 'March', '2025-03..2025-05', '2025-3'])('%s is not a period', (text) => {
    expect(parsePeriod(text)).toBeNull();
  });
});
