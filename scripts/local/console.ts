import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The web console under `/app/` of the local gateway (docs/architecture.md#web-console, docs/operations.md#local-stack): the files Vite built into
 * `console/dist/app`, with the single-page app's index for every other path below `/app/`, and a
 * `config.json` that points the Firebase JS SDK at the local Auth emulator.
 */

export const CONSOLE_ROOT = fileURLToPath(new URL('../../console/', import.meta.url));
export const CONSOLE_DIST = join(CONSOLE_ROOT, 'dist', 'app');

/** Builds the console with Vite (the same build `firebase.json` hosting publishes). */
export async function buildConsole(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(CONSOLE_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

export interface ConsoleSettings {
  projectId: string;
  publicBaseUrl: string;
  /** host:port of the Auth emulator. */
  authEmulatorHost: string;
}

/** From the variables that `startEmulators` set and the gateway's callers set (docs/operations.md#configuration). */
export function consoleSettingsFromEnvironment(env = process.env): ConsoleSettings {
  const missing = ['GOOGLE_CLOUD_PROJECT', 'PUBLIC_BASE_URL', 'FIREBASE_AUTH_EMULATOR_HOST'].filter(
    (name) => !env[name],
  );
  if (missing.length)
    throw new Error(`The gateway needs ${missing.join(', ')} set (startEmulators sets them).`);
  return {
    projectId: env.GOOGLE_CLOUD_PROJECT ?? '',
    publicBaseUrl: env.PUBLIC_BASE_URL ?? '',
    authEmulatorHost: env.FIREBASE_AUTH_EMULATOR_HOST ?? '',
  };
}

/** What the console reads first (console/src/session.ts `ConsoleConfig`). */
export function consoleConfig(settings: ConsoleSettings) {
  return {
    publicBaseUrl: settings.publicBaseUrl,
    googleSignIn: false,
    // The Auth emulator takes any API key; the project id must be the emulator's.
    firebase: {
      apiKey: 'local-emulator-api-key',
      authDomain: `${settings.projectId}.firebaseapp.com`,
      projectId: settings.projectId,
    },
    authEmulatorUrl: `http://${settings.authEmulatorHost}`,
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Answers `GET /app/<rest>`; `rest` is the path below `/app/`. */
export async function serveConsole(
  rest: string,
  settings: ConsoleSettings,
  res: ServerResponse,
): Promise<void> {
  if (rest === 'config.json') {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.json'], 'cache-control': 'no-store' });
    res.end(JSON.stringify(consoleConfig(settings)));
    return;
  }
  const index = join(CONSOLE_DIST, 'index.html');
  if (!(await isFile(index))) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The web console is not built yet: `npm start` builds it (or run `npm run build:console`).\n');
    return;
  }
  const wanted = normalize(join(CONSOLE_DIST, decodeURIComponent(rest)));
  const inside = wanted.startsWith(`${CONSOLE_DIST}${sep}`);
  const file = inside && (await isFile(wanted)) ? wanted : index;
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    // Vite names built assets by content hash; the index must always be fresh.
    'cache-control': file === index ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  res.end(await readFile(file));
}
