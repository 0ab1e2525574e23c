/**
 * How a command talks to the user. One object decides, once, whether we are talking to a
 * person (TTY, no CI, no --json: colour, progress bars, ink) or to a program (plain stable
 * lines on stderr, exactly one JSON document on stdout with --json).
 */
import { Chalk, type ChalkInstance } from 'chalk';

// The one escaping rule for terminals: a control character that came from a file or the
// database (an ESC could move the cursor, retitle the window or hide text) is shown as \xNN,
// never sent. Values are escaped whole (printable); whole lines keep the line breaks, tabs
// and colour (SGR) sequences payrecon itself writes (terminalSafe).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const UNSAFE_IN_LINE = /\u001b(?!\[[0-9;]*m)|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f]/g;

// Line breaks read as the escapes people know (\n, \r); every other control as \xNN.
const escapeControl = (ch: string) =>
  ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** A value from a file or the database, for one cell or line of a screen: every control escaped (a tab is a space). */
export function printable(value: unknown): string {
  return String(value ?? '').replace(CONTROL, (ch) => (ch === '\t' ? ' ' : escapeControl(ch)));
}

/**
 * A value from a file quoted inside a message: escaped like `printable` and cut to `max`
 * characters, so an error or reject reason never carries a line break, an escape sequence or
 * kilobytes of someone's file (a password line dropped into an inbox) into a terminal, a log
 * or the database.
 */
export function quoted(value: unknown, max = 60): string {
  const text = String(value ?? '');
  const cut = text.length > max ? text.slice(0, max) : text;
  return `"${printable(cut)}"${cut.length < text.length ? `... (${text.length} characters)` : ''}`;
}

/** A whole line payrecon composed: controls escaped but its own line breaks, tabs and colours. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_IN_LINE, escapeControl);
}

/** Bytes for people: "512 B", "3.2 KiB", "41.0 MiB", "1.5 GiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
  /** `--color auto|always|never`; commander sets false for --no-color. Absent: auto. */
  color?: boolean | string;
}

/** A terminal is there, with a size a bar can be fitted to, and not one that cannot move the cursor. */
function drawableTerminal(stream: Streams['stderr'], env: NodeJS.ProcessEnv): boolean {
  const s = stream as Streams['stderr'] & { rows?: number };
  // A pseudo-terminal without a size (`script`, `docker run -t` under a CI agent without CI
  // set) reports 0x0 or nothing: ink then redraws by clearing the whole screen every frame.
  return Boolean(s.isTTY) && (s.columns ?? 0) > 0 && (s.rows ?? 0) > 0 && env.TERM !== 'dumb';
}

/**
 * Colour, decided once: never with --json; --color always / never (or --no-color) win;
 * else FORCE_COLOR (set and not "0") forces it, NO_COLOR (set, non-empty) forbids it, and
 * otherwise a terminal that is not TERM=dumb gets it.
 */
function wantsColor(opts: OutputOptions, stdout: Streams['stdout'], env: NodeJS.ProcessEnv): boolean {
  if (opts.json) return false;
  if (opts.color === false || opts.color === 'never') return false;
  if (opts.color === 'always') return true;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stdout.isTTY) && env.TERM !== 'dumb';
}

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  /** A person is watching: stdout and stderr are terminals, CI is unset, no --json. */
  readonly interactive: boolean;
  /** stderr can hold a redrawn bar: it reports a size and is not TERM=dumb. */
  private readonly drawable: boolean;
  readonly color: boolean;
  readonly c: ChalkInstance;
  readonly stdout: Streams['stdout'];
  readonly stderr: Streams['stderr'];

  constructor(opts: OutputOptions, streams: Streams) {
    this.stdout = streams.stdout;
    this.stderr = streams.stderr;
    this.json = Boolean(opts.json);
    this.quiet = Boolean(opts.quiet);
    const env = streams.env;
    const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
    this.interactive = Boolean(streams.stdout.isTTY && streams.stderr.isTTY) && !ci && !this.json;
    this.drawable = drawableTerminal(streams.stderr, env);
    this.color = wantsColor(opts, streams.stdout, env);
    this.c = new Chalk({ level: this.color ? 1 : 0 });
  }

  /** A progress bar may be drawn: a person is watching a terminal that can hold one, and did not ask for --quiet. */
  get showsProgress(): boolean {
    return this.interactive && this.drawable && !this.quiet;
  }

  /** Human information: stdout normally, stderr under --json, nothing under --quiet. */
  info(line: string): void {
    if (this.quiet) return;
    (this.json ? this.stderr : this.stdout).write(terminalSafe(line) + '\n');
  }

  /** Warnings go to stderr unless --quiet. */
  warn(line: string): void {
    if (this.quiet) return;
    this.stderr.write(this.c.yellow('warning: ') + terminalSafe(line) + '\n');
  }

  /** The hint under an error: stderr, like the error. */
  hint(line: string): void {
    this.stderr.write(`hint: ${terminalSafe(line)}\n`);
  }

  /** Errors always reach stderr. */
  error(line: string): void {
    this.stderr.write(this.c.red('error: ') + terminalSafe(line) + '\n');
  }

  /** The single JSON document of a --json run. */
  emitJson(doc: unknown): void {
    this.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  }

  /**
   * The single JSON document of a --json run, its `key` array streamed item by item: the
   * same bytes as `emitJson({ ...head, [key]: [...items] })` without holding the items or the
   * text at once. Waits while a pipe is full (a pipe's writes are queued in memory, not
   * blocked, so a fast writer would otherwise buffer the whole document); stops writing once
   * the reader has gone (`| head`).
   */
  async emitJsonStream(head: object, key: string, items: Iterable<unknown>): Promise<void> {
    let buf = '';
    let pieces = 0;
    for (const piece of jsonWithArrayChunks(head, key, items)) {
      buf += piece;
      // Written in 32 KB pieces: a longer string is flattened into V8's large-object space when
      // written, which only a full GC frees; 256 KB pieces added ~65 MB to the peak of a
      // million-item document (docs/benchmarks/reports.md).
      if (buf.length >= 1 << 15) {
        if (!(await this.writeStdout(buf))) return;
        buf = '';
        // A reader that keeps up never makes us wait, and a loop that never waits never sees
        // Ctrl-C: let the event loop turn every 32 pieces (1 MB) so a signal is handled.
        if (++pieces % 32 === 0) await new Promise(setImmediate);
      }
    }
    await this.writeStdout(buf);
  }

  /** JSON lines (`--jsonl`): each line as given plus a newline, waiting while a pipe is full. */
  async emitLines(lines: Iterable<string>): Promise<void> {
    let buf = '';
    for (const line of lines) {
      buf += line + '\n';
      if (buf.length >= 1 << 16) {
        if (!(await this.writeStdout(buf))) return;
        buf = '';
      }
    }
    if (buf) await this.writeStdout(buf);
  }

  /** Write to stdout and wait for it to drain when it asks to; false when stdout is gone. */
  private async writeStdout(text: string): Promise<boolean> {
    const s = this.stdout as Streams['stdout'] & { destroyed?: boolean };
    if (s.destroyed) return false;
    if (s.write(text) !== false) return true;
    await new Promise<void>((resolve) => {
      const done = () => {
        s.off('drain', done);
        s.off('close', done);
        s.off('error', done);
        resolve();
      };
      s.on('drain', done);
      s.on('close', done);
      s.on('error', done);
    });
    return !s.destroyed;
  }
}

/**
 * `JSON.stringify({ ...head, [key]: items }, null, 2) + '\n'` in pieces, one per item (the
 * array last, as in every document we print). Each item is stringified at the indent it has
 * in the document: its own line breaks re-indented by four spaces; string values never
 * contain a raw line break, so only structure moves.
 */
export function* jsonWithArrayChunks(head: object, key: string, items: Iterable<unknown>): Generator<string> {
  const open = JSON.stringify(head, null, 2);
  // "{}" for an empty head, else "{\n  ...\n}": drop the closing brace and continue the object.
  yield open === '{}' ? '{\n' : open.slice(0, -2) + ',\n';
  yield `  ${JSON.stringify(key)}: [`;
  let first = true;
  for (const item of items) {
    const text = JSON.stringify(item, null, 2) ?? 'null';
    yield (first ? '\n    ' : ',\n    ') + text.replaceAll('\n', '\n    ');
    first = false;
  }
  yield first ? ']\n}\n' : '\n  ]\n}\n';
}
