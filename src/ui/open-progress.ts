/**
 * How a command gets a progress bar: ink and React cost a few hundred milliseconds to load,
 * so they are loaded only when a person is watching; in a pipe, in CI, with --json or --quiet this
 * returns a no-op without touching them.
 */
import type { Output } from '../output.js';
import type { Progress, ProgressOptions } from './progress.js';

export const NO_PROGRESS: Progress = { update() {}, finish() {} };

export async function openProgress(out: Output, opts: ProgressOptions): Promise<Progress> {
  if (!out.showsProgress) return NO_PROGRESS;
  const { createProgress } = await import('./progress.js');
  return createProgress(out, opts);
}
