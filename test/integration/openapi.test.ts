import assert from 'node:assert/strict';
import {
  type AnyFunctionSpec,
  buildOpenApiDocument,
  documentedPath,
} from '../../functions/src/http/openapi/document.js';
import { ErrorSchema } from '../../functions/src/http/openapi/schemas.js';
import { EXAMPLE_IDS, type RouteExample } from '../../functions/src/http/routeDoc.js';
import type { Route } from '../../functions/src/http/router.js';
import { HTTP_FUNCTIONS } from '../../functions/src/index.js';
import { apiFunction } from '../../functions/src/routes/api/index.js';
import { documentedFunctions } from '../../functions/src/routes/documentedFunctions.js';
import { createSyncTickJob } from '../../scripts/local/wiring.js';
import { api, callApi, type Json } from '../support/api.js';
import { resetFirestore, type TestStack, testStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';
import {
  Browser,
  CLIENT_ID,
  CLIENT_SECRET,
  followCallback,
  followGoogle,
  resetToConfiguredApp,
} from './linking-support.js';
import { ensureSyncTopic, linkGoogleAccount, pausePushDelivery } from './sync-support.js';
import { deleteSyncTickJob } from './sync-tick-support.js';

/**
 * Every example of the OpenAPI document (docs/api.md#api-reference) sent to the running functions
 * behind the gateway: each answers the documented status (and error code), and what it answers
 * parses with the documented response schema. Ids of `EXAMPLE_IDS` are replaced by fresh records.
 */

// biome-ignore lint/suspicious/noExplicitAny: route tables of every function
type AnyRoute = Route<any>;

const served: AnyFunctionSpec[] = await Promise.all(
  HTTP_FUNCTIONS.map(async (name) => {
    const entry = (await import(`../../functions/src/entry/${name}.js`)) as {
      default: { spec: AnyFunctionSpec };
    };
    return entry.default.spec;
  }),
);

interface World {
  stack: TestStack;
  admin: TestUser;
  user: TestUser;
}

function callerOf(world: World, spec: AnyFunctionSpec, route: AnyRoute, example: RouteExample) {
  const as = example.as ?? (route.access === 'public' ? 'anonymous' : spec.access);
  if (as === 'admin') return world.admin;
  if (as === 'user') return world.user;
  return undefined;
}

/** Creates the records the example names by their example ids and the state it requires. */
async function prepare(
  world: World,
  example: RouteExample,
  caller: TestUser | undefined,
): Promise<Record<string, string>> {
  const needs = new Set(example.requires ?? []);
  if (needs.has('syncRun')) needs.add('linkedAccount');
  if (needs.has('linkedMailbox')) needs.add('mailApp');
  if (needs.has('linkedAccount') || needs.has('mailApp')) needs.add('googleApp');
  if (needs.has('googleApp')) await resetToConfiguredApp(world.stack, world.admin);
  else await resetFirestore(world.stack);
  const owner = caller ?? world.user;
  const mentioned = JSON.stringify([example.params, example.query, example.body]);
  const ids: Record<string, string> = {};
  const created = async (path: string, body: unknown) => {
    const reply = await api(owner, 'POST', path, body);
    assert.equal(reply.status, 201, `fixture ${path}: ${JSON.stringify(reply.json)}`);
    return reply.json.id as string;
  };
  if (mentioned.includes(EXAMPLE_IDS.tag))
    ids[EXAMPLE_IDS.tag] = await created('/tags', { name: 'Fixture', type: 'personal' });
  if (mentioned.includes(EXAMPLE_IDS.contact)) {
    const tagIds = needs.has('taggedContact') ? [ids[EXAMPLE_IDS.tag]] : [];
    ids[EXAMPLE_IDS.contact] = await created('/contacts', {
      givenName: 'Grace',
      familyName: 'Hopper',
      tagIds,
    });
  }
  if (mentioned.includes(EXAMPLE_IDS.activity)) {
    ids[EXAMPLE_IDS.activity] = await created('/activities', {
      title: 'Fixture meeting',
      start: '2030-03-01T09:00:00Z',
      end: '2030-03-01T09:30:00Z',
    });
  }
  if (needs.has('syncTickJob')) {
    await deleteSyncTickJob(world.stack);
    await createSyncTickJob(
      world.stack.hosts.scheduler,
      world.stack.projectId,
      'us-central1',
      world.stack.baseUrl,
    );
  }
  if (needs.has('linkedAccount')) {
    await linkGoogleAccount(world.stack, owner);
    ids[EXAMPLE_IDS.account] = (await api(owner, 'GET', '/me/accounts')).json.items[0].id;
  }
  if (needs.has('mailApp')) await configureGmailProvider(world.admin);
  if (needs.has('linkedMailbox')) ids[EXAMPLE_IDS.mailbox] = await linkMailbox(owner);
  if (needs.has('syncRun')) {
    const queued = await fetch(`${world.stack.baseUrl}/syncNow`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.idToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(queued.status, 202, await queued.clone().text());
    ids[EXAMPLE_IDS.run] = ((await queued.json()) as { runId: string }).runId;
  }
  return ids;
}

/**
 * The examples pause, reschedule and recreate the `sync-tick` job; later suites share the stack, so
 * the returned function puts it back as it was found: there and enabled, or absent.
 */
async function keepSyncTickJob(stack: TestStack): Promise<() => Promise<void>> {
  const name = `projects/${stack.projectId}/locations/us-central1/jobs/sync-tick`;
  const existed = (await fetch(`http://${stack.hosts.scheduler}/v1/${name}`)).ok;
  return async () => {
    await deleteSyncTickJob(stack);
    if (existed)
      await createSyncTickJob(stack.hosts.scheduler, stack.projectId, 'us-central1', stack.baseUrl);
  };
}

/** The Gmail provider with the OAuth client the Google emulator knows (hosts as they are). */
async function configureGmailProvider(admin: TestUser): Promise<void> {
  const current = await callApi('GET', '/settings/mail-providers/gmail', { token: admin.idToken });
  const { id: _id, clientSecretSet: _set, ...provider } = current.json;
  const saved = await callApi('PUT', '/settings/mail-providers/gmail', {
    token: admin.idToken,
    body: { ...provider, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
  });
  assert.equal(saved.status, 200, JSON.stringify(saved.json));
}

/** Links the user's own address as a mailbox, playing the browser; answers the mailbox id. */
async function linkMailbox(user: TestUser): Promise<string> {
  const browser = new Browser();
  const started = await callApi('POST', '/api/me/mailboxes', {
    token: user.idToken,
    body: { providerId: 'gmail', email: user.email },
  });
  assert.equal(started.status, 200, JSON.stringify(started.json));
  browser.keep(started.headers);
  const outcome = await followCallback(await followGoogle(new URL(started.json.authorizationUrl)), browser);
  assert.equal(outcome.searchParams.get('mailbox'), 'ok', outcome.href);
  return (await api(user, 'GET', '/me/mailboxes')).json.items[0].id;
}

function substitute<T>(value: T, ids: Record<string, string>): T {
  if (value === undefined) return value;
  let text = JSON.stringify(value);
  for (const [exampleId, id] of Object.entries(ids)) text = text.replaceAll(exampleId, id);
  return JSON.parse(text) as T;
}

async function send(
  world: World,
  spec: AnyFunctionSpec,
  route: AnyRoute,
  example: RouteExample,
  ids: Record<string, string>,
  caller?: TestUser,
) {
  const params = substitute(example.params ?? {}, ids);
  const path = route.path.replace(/:([A-Za-z]\w*)/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
  const query = example.query ? `?${new URLSearchParams(substitute(example.query, ids))}` : '';
  const body = substitute(example.body, ids);
  const response = await fetch(`${world.stack.baseUrl}/${spec.name}${path === '/' ? '' : path}${query}`, {
    method: route.method,
    redirect: 'manual',
    headers: {
      ...(caller ? { authorization: `Bearer ${caller.idToken}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...example.headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // A redirect's body is the framework's own text, not an answer of ours.
  const isJson = /application\/json/.test(response.headers.get('content-type') ?? '');
  return {
    status: response.status,
    headers: response.headers,
    json: (isJson ? await response.json() : undefined) as Json,
  };
}

describe('OpenAPI document against the running functions', function () {
  this.timeout(120_000);
  const world = {} as World;
  let restorePush: () => Promise<void>;
  let restoreSyncTickJob: () => Promise<void>;

  before(async () => {
    world.stack = await testStack();
    world.admin = await createUser(world.stack, { admin: true });
    world.user = await createUser(world.stack);
    await ensureSyncTopic(world.stack);
    // Queued runs stay queued: the examples check what the API answers, not the sync itself.
    restorePush = await pausePushDelivery(world.stack);
    restoreSyncTickJob = await keepSyncTickJob(world.stack);
  });

  after(async () => {
    await restorePush?.();
    await restoreSyncTickJob?.();
    // The examples' records (and a provider pointed at Google's hosts) are not left to the suites
    // that follow.
    await resetFirestore(world.stack);
  });

  it('when GET /api/openapi.json is called without a token, then it answers the document of the route tables', async () => {
    const response = await fetch(`${world.stack.baseUrl}/api/openapi.json`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const expected = await buildOpenApiDocument(await documentedFunctions(apiFunction), {
      serverUrl: world.stack.baseUrl,
    });
    assert.deepEqual(await response.json(), expected);
  });

  it('when another route of api is called without a token, then it is still 401', async () => {
    const response = await fetch(`${world.stack.baseUrl}/api/openapi.json/x`);
    assert.equal(response.status, 401);
  });

  for (const spec of served) {
    for (const route of spec.routes as AnyRoute[]) {
      for (const example of route.doc.examples) {
        const operation = `${route.method} ${documentedPath(spec.name, route.path)}`;
        it(`when ${operation} is sent the example "${example.name}", then it answers ${example.status}${example.code ? ` ${example.code}` : ''}`, async () => {
          const caller = callerOf(world, spec, route, example);
          const ids = await prepare(world, example, caller);
          const reply = await send(world, spec, route, example, ids, caller);
          assert.equal(reply.status, example.status, JSON.stringify(reply.json));
          const schemas = (await route.doc.schemas?.()) ?? {};
          if (example.code) {
            const envelope = ErrorSchema.parse(reply.json);
            assert.equal(envelope.error.code, example.code, envelope.error.message);
            assert.doesNotMatch(envelope.error.message, /^No route/, 'the documented route is served');
            return;
          }
          const success = route.doc.success.find((documented) => documented.status === reply.status);
          assert.ok(success, `${reply.status} is a documented success status`);
          for (const header of Object.keys(success.headers ?? {})) {
            if (header !== 'Set-Cookie') assert.ok(reply.headers.get(header), `the ${header} header`);
          }
          const body = schemas.responses?.[reply.status];
          if (body) {
            const parsed = body.schema.safeParse(reply.json);
            assert.ok(
              parsed.success,
              `${body.name}: ${JSON.stringify(parsed.error?.issues)} in ${JSON.stringify(reply.json)}`,
            );
          } else {
            assert.equal(reply.json, undefined, 'an answer without a documented body has none');
          }
        });
      }
    }
  }
});
