/**
 * How a command gets a progress bar: ink and React cost a few hundred milliseconds to load,
 * so they are loaded only when a person is watching; in a pipe, in CI, with --json or --quiet this
 * returns a no-op without touching them.
 */
import type { Output } from '../output.js';
import { NO_PROGRESS, type Progress, type ProgressOptions } from '../domain/progress.js';

export { NO_PROGRESS };

export async function openProgress(out: Output, opts: ProgressOptions): Promise<Progress> {
  if (!out.showsProgress) return NO_PROGRESS;
  const { createProgress } = await import('./progress.js');
  return createProgress(out, opts);
}
