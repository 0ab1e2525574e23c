/** Driving an ink app rendered by ink-testing-library: wait for a frame, type keys. */

/** Re-check until the frame satisfies `check` (ink renders asynchronously after input). */
export async function until(frame: () => string | undefined, check: (f: string) => boolean): Promise<string> {
  // Generous: a loaded CI machine may take a while to re-render; a pass returns at once.
  for (let i = 0; i < 500; i++) {
    const f = frame() ?? '';
    if (check(f)) return f;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`frame never matched:\n${frame()}`);
}

/** Type keys one at a time, yielding between them so ink reads each as its own keypress. */
export async function press(stdin: { write(s: string): void }, ...keys: string[]) {
  for (const k of keys) {
    stdin.write(k);
    await new Promise((r) => setTimeout(r, 15));
  }
}
