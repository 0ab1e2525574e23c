/**
 * What a long operation reports to whoever watches it. Operations ask their context for a
 * Progress (src/operations/context.ts); the terminal bar that implements it lives in
 * src/ui/progress.tsx and is loaded only when a person is watching (src/ui/open-progress.ts).
 */
export interface Progress {
  /** `done` in the unit of the bar; `info` is a short trailing text (e.g. the file name). */
  update(done: number, info?: string): void;
  /** Remove the bar; `summary` is printed as a plain line afterwards. Safe to call twice. */
  finish(summary?: string): void;
}

export interface ProgressOptions {
  label: string;
  /** 0 when unknown: the bar then shows the count, rate and elapsed time only. */
  total: number;
  unit: 'rows' | 'bytes' | 'files';
}

/** The progress of nobody watching. */
export const NO_PROGRESS: Progress = { update() {}, finish() {} };
