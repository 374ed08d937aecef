import { writeFileSync } from 'node:fs';

/**
 * `npm run api:reference [-- --out openapi.json] [--html api.html]`: the OpenAPI 3.1 document of
 * every HTTP function, built from the route tables exactly as `GET /api/openapi.json` serves it,
 * without starting anything (docs/api.md#api-reference). Prints it to stdout unless `--out` names a
 * file; `--html` also renders it with Redocly into one page (which loads Redoc from Redocly's CDN
 * when opened).
 */

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const serverUrl = (process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const [{ buildOpenApiDocument }, { documentedFunctions }, { apiFunction }] = await Promise.all([
  import('../functions/src/http/openapi/document.js'),
  import('../functions/src/routes/documentedFunctions.js'),
  import('../functions/src/routes/api/index.js'),
]);
const document = JSON.stringify(
  await buildOpenApiDocument(await documentedFunctions(apiFunction), { serverUrl }),
  null,
  2,
);

const out = option('--out');
const html = option('--html');
if (out) writeFileSync(out, `${document}\n`);
else if (!html) process.stdout.write(`${document}\n`);

if (html) {
  const { spawnSync } = await import('node:child_process');
  const source = out ?? `${html}.openapi.json`;
  if (!out) writeFileSync(source, `${document}\n`);
  const built = spawnSync(
    'npx',
    ['--no-install', 'redocly', 'build-docs', source, '-o', html, '--config', 'redocly.yaml'],
    {
      stdio: 'inherit',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    },
  );
  process.exit(built.status ?? 1);
}
