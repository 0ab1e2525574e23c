/**
 * The entry point: parse, run, the one top-level catch. It sets process.exitCode (never calls
 * process.exit on the normal path) so that output flushes.
 */
import { type Command, CommanderError } from 'commander';
import { buildProgram } from './cli.js';
import type { CommandContext } from './context.js';
import { ExitCode, PayreconError } from './errors.js';
import { terminalSafe } from './output.js';

/**
 * `payrecon discrepancies | head` closes our stdout early: that is the reader's choice, not an
 * error. Stop writing, let the command finish its work (a reconcile still commits), keep its code.
 */
function tolerateClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
      throw err;
    });
  }
}

export async function main(argv: string[]): Promise<number> {
  tolerateClosedPipes();
  const controller = new AbortController();
  let signals = 0;
  let forcedExitNote: () => void = () => void process.stderr.write('\ninterrupted again; exiting now\n');
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      controller.abort(sig);
      return;
    }
    // A second signal: the user really wants out. SQLite's journal keeps the database whole.
    forcedExitNote();
    process.exit(ExitCode.INTERRUPTED);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let code: number = ExitCode.OK;
  let ctx: CommandContext | undefined;
  // Whether the command printed anything on stdout: with --json an error then adds no second document.
  let stdoutUsed = false;
  const stdout = new Proxy(process.stdout, {
    get(target, prop) {
      if (prop === 'write') {
        return (...a: Parameters<typeof process.stdout.write>) => {
          stdoutUsed = true;
          return target.write(...a);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const program = buildProgram({
    env: process.env,
    signal: controller.signal,
    stdout,
    stderr: process.stderr,
    setForcedExitNote: (note) => {
      forcedExitNote = note;
    },
    setResult: (c, cx) => {
      code = c;
      ctx = cx;
    },
  });
  try {
    await program.parseAsync(argv, { from: 'node' });
    // `schedule` treats a signal as its normal stop; everything else reports the interruption.
    if (controller.signal.aborted && code !== ExitCode.OK && code < 16) code = ExitCode.INTERRUPTED;
  } catch (err) {
    const report = describeError(err);
    code = report.code;
    if (!report.printed) {
      process.stderr.write(`payrecon: ${terminalSafe(report.message)}\n`);
    }
    if (report.hint) process.stderr.write(`hint: ${terminalSafe(report.hint)}\n`);
    if (report.debug) process.stderr.write(report.debug);
    // A script that asked for --json reads stdout: give it one document saying what failed.
    if (code !== ExitCode.OK && wantsJson(program, argv) && !stdoutUsed) {
      process.stdout.write(JSON.stringify({ error: { code, message: report.message, hint: report.hint ?? null } }, null, 2) + '\n');
    }
  } finally {
    ctx?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return code;
}

/** --json was given: parsed, or (when parsing itself failed) present before any "--". */
function wantsJson(program: Command, argv: string[]): boolean {
  if (program.opts().json) return true;
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

interface ErrorReport {
  code: number;
  message: string;
  hint?: string;
  /** commander printed the message itself. */
  printed?: boolean;
  debug?: string;
}

function describeError(err: unknown): ErrorReport {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') {
      return { code: ExitCode.OK, message: '', printed: true };
    }
    // `payrecon` or `payrecon import` alone: commander printed the help (on stderr); no command ran.
    if (err.code === 'commander.help') return { code: ExitCode.USAGE, message: '', printed: true };
    // commander has already printed its one-line message; add the hint.
    return {
      code: ExitCode.USAGE,
      message: err.message.replace(/^error: /, ''),
      hint: "run 'payrecon --help' or 'payrecon <command> --help'",
      printed: true,
    };
  }
  if (err instanceof PayreconError) return { code: err.exitCode, message: err.message, hint: err.hint };
  const e = err as Error;
  return {
    code: ExitCode.INTERNAL,
    message: `internal error: ${e?.message ?? String(err)}`,
    hint:
      'This is a bug in payrecon. Please report it to the maintainers with the command you ran and the\n' +
      'output of the same command with PAYRECON_DEBUG=1.',
    debug: process.env.PAYRECON_DEBUG && e?.stack ? e.stack + '\n' : undefined,
  };
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`payrecon: internal error: ${String(err)}\n`);
    process.exitCode = ExitCode.INTERNAL;
  },
);
