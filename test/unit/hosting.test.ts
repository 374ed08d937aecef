import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import viteConfig from '../../console/vite.config.js';
import { deploymentCommands } from '../../infra/deploy.js';
import { FUNCTIONS } from '../../infra/deployment.js';
import { HOSTING_DEPLOY_CONFIG, HOSTING_PUBLIC_DIR, hostingConfig } from '../../infra/hosting.js';

/** Firebase Hosting of the web console, checked offline against the functions and the console build. */

interface Rewrite {
  source: string;
  function?: { functionId: string; region: string };
  destination?: string;
}

const firebase = JSON.parse(readFileSync('firebase.json', 'utf8')) as {
  hosting: { public: string; rewrites: Rewrite[] };
};

function target(rewrites: Rewrite[], path: string): string | undefined {
  const matches = (source: string) =>
    source.endsWith('/**') ? path.startsWith(source.slice(0, -2)) : path === source;
  const rewrite = rewrites.find((candidate) => matches(candidate.source));
  return rewrite?.function
    ? `function ${rewrite.function.functionId} in ${rewrite.function.region}`
    : rewrite?.destination;
}

describe('Firebase Hosting of the web console (firebase.json, infra/hosting.ts)', () => {
  it('when firebase.json is deployed, then it is the hosting config the deployment derives from its functions', () => {
    assert.deepEqual(firebase.hosting, hostingConfig('us-central1'));
  });

  it('when the console calls the API on its own origin, then /api, /settings, /syncNow and /oauthCallback reach their functions', () => {
    const { rewrites } = firebase.hosting;
    for (const name of ['api', 'settings', 'syncNow', 'oauthCallback']) {
      assert.equal(target(rewrites, `/${name}`), `function ${name} in us-central1`);
      assert.equal(target(rewrites, `/${name}/me/sync/runs/abc`), `function ${name} in us-central1`);
    }
    assert.equal(target(rewrites, '/app/anything'), '/app/index.html');
  });

  it('when a function checks no token itself, then Hosting exposes no route to it', () => {
    const exposed = new Set(
      firebase.hosting.rewrites.flatMap((r) => (r.function ? [r.function.functionId] : [])),
    );
    for (const fn of FUNCTIONS) {
      const isPublicHttp = fn.trigger.kind === 'http' && fn.trigger.public;
      assert.equal(exposed.has(fn.name), isPublicHttp, fn.name);
    }
  });

  it('when the console is built, then Hosting publishes its files under /app/ as the gateway serves them', () => {
    assert.equal(viteConfig.base, '/app/');
    const outDir = posix.join('console', viteConfig.build?.outDir ?? '');
    assert.equal(posix.relative(HOSTING_PUBLIC_DIR, outDir), 'app');
    assert.equal(firebase.hosting.public, HOSTING_PUBLIC_DIR);
  });

  it('when deploying to another region, then the console is built and published with rewrites to that region', () => {
    const commands = deploymentCommands({
      projectId: 'acme-crm',
      region: 'europe-west1',
      publicBaseUrl: 'https://acme-crm.web.app',
    }).map((command) => command.join(' '));
    const build = commands.indexOf('npm run build:console');
    const publish = commands.indexOf(
      `npx firebase-tools@14 deploy --only hosting --project=acme-crm --config=${HOSTING_DEPLOY_CONFIG}`,
    );
    assert.ok(build >= 0 && publish > build, 'the console is built before it is published');
    const regions = new Set(
      hostingConfig('europe-west1').rewrites.flatMap((r) => ('function' in r ? [r.function.region] : [])),
    );
    assert.deepEqual([...regions], ['europe-west1']);
  });
});
