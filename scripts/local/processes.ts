import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

/**
 * Child processes of the local stack: each runs in its own process group so that stopping it also
 * stops what it started (gcloud starts Java; firebase-tools starts its emulators), and none is left
 * behind after Ctrl-C.
 */

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** The last lines it printed, for error messages when it fails to start. */
  output: () => string;
  stop: () => Promise<void>;
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; verbose?: boolean } = {},
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    if (options.verbose) process.stderr.write(`[${name}] ${text}`);
    lines.push(...text.split('\n'));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 8000);
    await exited;
    clearTimeout(timer);
    signalGroup(child, 'SIGKILL'); // grandchildren that ignored SIGTERM
  };
  return { name, child, output: () => lines.join('\n'), stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Polls `url` until it answers (any HTTP status), the process dies, or the timeout passes. */
export async function waitForHttp(url: string, processRef: ManagedProcess | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (processRef && processRef.child.exitCode !== null) {
      throw new Error(`${processRef.name} exited before it answered:\n${processRef.output()}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(
    `${processRef?.name ?? url} did not answer at ${url} within ${timeoutMs / 1000} s${processRef ? `:\n${processRef.output()}` : ''}`,
  );
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function splitHostPort(hostPort: string): { host: string; port: number } {
  const index = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, index), port: Number(hostPort.slice(index + 1)) };
}

/** Polls until a TCP connection to host:port succeeds (a server without an HTTP endpoint). */
export async function waitForTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing answered at ${host}:${port} within ${timeoutMs / 1000} s`);
}

/** A port the stack must bind is already taken by something this stack did not start. */
export class PortInUse extends Error {
  override name = 'PortInUse';
}

/** Whether nothing listens on host:port (by binding it for a moment, as the emulator would). */
function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * Fails with PortInUse naming every taken port, before anything starts. Without it, a stack whose
 * earlier run was SIGKILLed (its detached emulators still running) would take whatever answers on
 * those ports for its own, stale data and all.
 */
export async function ensurePortsFree(ports: { name: string; host: string; port: number }[]): Promise<void> {
  const taken: string[] = [];
  for (const { name, host, port } of ports) {
    if (!(await isPortFree(host, port))) taken.push(`${host}:${port} (${name})`);
  }
  if (taken.length === 0) return;
  throw new PortInUse(
    `Already in use by a process this stack did not start: ${taken.join(', ')}. ` +
      'A local stack stopped with SIGKILL leaves its emulators running: stop them ' +
      '(e.g. `fuser -k -n tcp <port>`), or choose other ports through the environment (docs/operations.md#local-stack).',
  );
}
