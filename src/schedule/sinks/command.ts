/**
 * Command sink: run a program (argv, no shell) with the alert JSON on stdin. Exit 0 is
 * delivered; anything else, a spawn failure or a timeout is a failed attempt, retried.
 * The program also gets PAYRECON_DELIVERY_ID so it can deduplicate without parsing.
 */
import { spawn } from 'node:child_process';
import { DeliveryError, type Delivery, type Sink } from './types.js';

export interface CommandSinkOptions {
  key: string;
  label: string;
  argv: string[];
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
}

const STDERR_TAIL = 500;

export function createCommandSink(opts: CommandSinkOptions): Sink {
  return {
    key: opts.key,
    label: opts.label,
    concurrency: 1,
    deliver(d: Delivery, signal: AbortSignal): Promise<void> {
      return new Promise((resolve, reject) => {
        const child = spawn(opts.argv[0], opts.argv.slice(1), {
          stdio: ['pipe', 'ignore', 'pipe'],
          env: { ...opts.env, PAYRECON_DELIVERY_ID: d.alertId },
        });
        let stderr = '';
        let why: string | undefined;
        const kill = (reason: string) => {
          why ??= reason;
          child.kill('SIGTERM');
        };
        // A timer and a removable listener rather than AbortSignal.any: the stop signal lives as
        // long as the process and must not collect a listener per delivery.
        const timer = setTimeout(() => kill(`no exit within ${opts.timeoutMs} ms`), opts.timeoutMs);
        const onStop = () => kill('stopped while the command ran');
        signal.addEventListener('abort', onStop, { once: true });
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onStop);
        };
        child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-STDERR_TAIL)));
        // A program that exits without reading stdin is judged by its exit code, not by EPIPE.
        child.stdin.on('error', () => undefined);
        child.stdin.end(d.body + '\n');
        child.on('error', (err) => {
          done();
          reject(new DeliveryError(`cannot run ${opts.argv[0]}: ${err.message}`, true));
        });
        child.on('close', (code, sig) => {
          done();
          if (code === 0 && !why) return resolve();
          const how = why ?? (sig ? `killed by ${sig}` : `exit ${code}`);
          reject(new DeliveryError(`${opts.argv[0]} ${how}${stderr.trim() ? `: ${stderr.trim()}` : ''}`, true));
        });
      });
    },
  };
}
