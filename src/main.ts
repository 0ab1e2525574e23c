/**
 * The entry point: parse, run, the one top-level catch. It sets process.exitCode (never calls
 * process.exit on the normal path) so that output flushes.
 */
import { CommanderError } from 'commander';
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
  const program = buildProgram({
    env: process.env,
    signal: controller.signal,
    stdout: process.stdout,
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
    code = reportError(err);
  } finally {
    ctx?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return code;
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
      return ExitCode.OK;
    }
    // commander has already printed its one-line message; add the hint.
    process.stderr.write("hint: run 'payrecon --help' or 'payrecon <command> --help'\n");
    return ExitCode.USAGE;
  }
  if (err instanceof PayreconError) {
    process.stderr.write(`payrecon: ${terminalSafe(err.message)}\n`);
    if (err.hint) process.stderr.write(`hint: ${terminalSafe(err.hint)}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`payrecon: internal error: ${e?.message ?? String(err)}\n`);
  if (process.env.PAYRECON_DEBUG && e?.stack) process.stderr.write(e.stack + '\n');
  process.stderr.write(
    'This is a bug in payrecon. Please report it to the maintainers with the command you ran and the\n' +
      'output of the same command with PAYRECON_DEBUG=1.\n',
  );
  return ExitCode.INTERNAL;
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
