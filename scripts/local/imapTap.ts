import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay in front of an IMAP server, for tests and benchmarks: it counts the tagged commands
 * clients send (RFC 3501 §2.2.1: `<tag> <COMMAND> …`), and can cut a connection after the server has
 * sent a given number of bytes, which is how a connection dropped in the middle of a FETCH is made.
 */

export interface ImapTap {
  port: number;
  /** Commands seen so far, by name (`UID FETCH` counts as `UID FETCH`). */
  commands: Map<string, number>;
  totalCommands(): number;
  /** Cuts the next connection once the server has sent it `bytes` bytes (after login). */
  dropNextAfter(bytes: number): void;
  reset(): void;
  close(): Promise<void>;
}

const COMMAND = /^[A-Za-z0-9.]+ (UID [A-Z]+|[A-Z]+)/;

export async function startImapTap(target: { host: string; port: number }): Promise<ImapTap> {
  const commands = new Map<string, number>();
  const sockets = new Set<Socket>();
  let dropAfter: number | undefined;
  const server = createServer((client) => {
    const upstream = connect(target);
    sockets.add(client);
    sockets.add(upstream);
    const cutAt = dropAfter;
    dropAfter = undefined;
    let fromServer = 0;
    let loggedIn = false;
    let pending = '';
    client.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      const lines = pending.split('\r\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const name = COMMAND.exec(line)?.[1];
        if (!name) continue;
        commands.set(name, (commands.get(name) ?? 0) + 1);
        if (name === 'SELECT' || name === 'EXAMINE') loggedIn = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (loggedIn) fromServer += chunk.length;
      if (cutAt !== undefined && fromServer > cutAt) {
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    commands,
    totalCommands: () => [...commands.values()].reduce((sum, n) => sum + n, 0),
    dropNextAfter: (bytes) => {
      dropAfter = bytes;
    },
    reset: () => commands.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
