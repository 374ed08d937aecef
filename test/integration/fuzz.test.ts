import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Route } from '../../functions/src/http/router.js';
import { HTTP_FUNCTIONS } from '../../functions/src/index.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import { call, link, resetToConfiguredApp, suiteUsers } from './linking-support.js';
import { pausePushDelivery } from './sync-support.js';

/**
 * A seeded fuzz test of every route of every HTTP function (issue #16): at least 1,000 generated
 * requests (methods, paths, ids, queries, bodies, content types, credentials), each checked for
 * three things: no 5xx, every error answer carries the envelope of docs/api.md, and a refused request
 * (4xx) wrote nothing to Firestore. Bounded: a fixed seed and run count, sequential requests, and a
 * mocha timeout. Pub/Sub push delivery is paused, so no run writes behind the requests' backs.
 */

const SEED = 16_016;
const RUNS = 1_000;

const HOSTILE_IDS = [
  '__x__',
  'a%2Fb',
  '..%2F..',
  '%2E%2E%2F',
  'a%00b',
  'x'.repeat(300),
  '%E2%80%AE',
  '%ZZ',
  '.',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND'];
const QUERY_KEYS = [
  'pageSize',
  'pageToken',
  'tagId',
  'from',
  'to',
  'contactId',
  'mailboxId',
  'code',
  'state',
  'error',
];
const DATES = [
  '2030-01-01',
  '2030-01-01T10:00:00Z',
  '0000-01-01',
  '9999-12-31T23:00:00-05:00',
  'yesterday',
  '2030-02-30',
];

interface FuzzRequest {
  /** The route aimed at: `<function> <method> <path pattern>`. */
  routeKey: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface Known {
  ids: string[];
  user: TestUser;
  admin: TestUser;
}

/** Every document in the database with its update time: one kindless all-descendants query. */
async function firestoreFingerprint(stack: TestStack): Promise<string> {
  const url = `http://${stack.hosts.firestore}/v1/projects/${stack.projectId}/databases/(default)/documents:runQuery`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
    body: JSON.stringify({ structuredQuery: { from: [{ allDescendants: true }] } }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const rows = (await response.json()) as { document?: { name: string; updateTime: string } }[];
  return rows
    .flatMap((row) => (row.document ? [`${row.document.name}@${row.document.updateTime}`] : []))
    .sort()
    .join('\n');
}

/** The routes of each HTTP function, as the function itself serves them. */
async function routeTable(): Promise<{ fn: string; route: Route<unknown> }[]> {
  const table: { fn: string; route: Route<unknown> }[] = [];
  for (const fn of HTTP_FUNCTIONS) {
    const entry = (await import(`../../functions/src/entry/${fn}.ts`)) as {
      default: { spec: { routes: readonly Route<unknown>[] } };
    };
    for (const route of entry.default.spec.routes) table.push({ fn, route });
  }
  return table;
}

const jsonish = fc.jsonValue({ maxDepth: 3 });

/** A body that is close to valid (a template with one field replaced), or anything at all. */
function bodyArbitrary(): fc.Arbitrary<string | undefined> {
  const template = fc.record({
    givenName: fc.oneof(fc.string(), fc.constant('Ada')),
    name: fc.string(),
    type: fc.constantFrom('personal', 'corporate', 'public', 'other'),
    title: fc.string(),
    start: fc.constantFrom(...DATES),
    end: fc.constantFrom(...DATES),
    tagId: fc.constantFrom('__x__', 'nope', ''),
    kinds: fc.constantFrom(['contacts'], ['mail'], [], 'contacts'),
    paused: fc.constant(true),
    clientId: fc.constantFrom('123-abc.apps.googleusercontent.com', 'bad'),
    emails: fc.constantFrom([{ address: 'a@example.org' }], [{ address: 'nope' }], 'x'),
  });
  const mutated = fc
    .tuple(template, fc.constantFrom('givenName', 'start', 'kinds', 'extra', '__proto__'), jsonish)
    .map(([base, key, value]) => {
      const text = JSON.stringify({ ...base, [key === '__proto__' ? 'placeholder' : key]: value });
      return key === '__proto__' ? text.replace('"placeholder"', '"__proto__"') : text;
    });
  return fc.oneof(
    fc.constant(undefined),
    jsonish.map((value) => JSON.stringify(value)),
    mutated,
    fc.constantFrom('{', '{"a":', 'null', '[]', '"text"', '{"a":{"__proto__":{"admin":true}}}'),
  );
}

function requestArbitrary(
  table: { fn: string; route: Route<unknown> }[],
  known: Known,
): fc.Arbitrary<FuzzRequest> {
  const id = fc.oneof(
    fc.constantFrom(...known.ids),
    fc.constantFrom(...HOSTILE_IDS),
    fc.string({ maxLength: 30 }),
  );
  const query = fc.array(
    fc.tuple(
      fc.constantFrom(...QUERY_KEYS),
      fc.oneof(fc.string(), fc.constantFrom(...DATES, '0', '1001', '-1', '50')),
    ),
    {
      maxLength: 3,
    },
  );
  const credentials = fc.constantFrom('user', 'admin', 'none', 'garbage');
  return fc
    .record({
      target: fc.constantFrom(...table),
      methodChoice: fc.oneof(fc.constant('route'), fc.constantFrom(...METHODS)),
      ids: fc.array(id, { minLength: 2, maxLength: 2 }),
      query,
      credentials,
      body: bodyArbitrary(),
      contentType: fc.constantFrom(
        'application/json',
        'application/merge-patch+json',
        'text/plain',
        undefined,
      ),
      ifMatch: fc.option(fc.constantFrom('"1"', '"999"', 'W/"2"', 'nonsense'), { nil: undefined }),
      prefixTwice: fc.boolean(),
    })
    .map(({ target, methodChoice, ids, query, credentials, body, contentType, ifMatch, prefixTwice }) => {
      let index = 0;
      const path = target.route.path.replace(/:\w+/g, () => {
        const value = ids[index++ % ids.length] ?? 'x';
        // Known and hostile ids go as they are (already encoded); random text is encoded.
        return known.ids.includes(value) || HOSTILE_IDS.includes(value) ? value : encodeURIComponent(value);
      });
      const prefix = prefixTwice ? `/${target.fn}/${target.fn}` : `/${target.fn}`;
      const search = new URLSearchParams(query).toString();
      const headers: Record<string, string> = {};
      if (credentials === 'user') headers.authorization = `Bearer ${known.user.idToken}`;
      if (credentials === 'admin') headers.authorization = `Bearer ${known.admin.idToken}`;
      if (credentials === 'garbage') headers.authorization = 'Bearer not.a.token';
      if (contentType && body !== undefined) headers['content-type'] = contentType;
      if (ifMatch) headers['if-match'] = ifMatch;
      const method = methodChoice === 'route' ? target.route.method : methodChoice;
      const sendsBody = body !== undefined && !['GET', 'HEAD'].includes(method);
      return {
        routeKey: `${target.fn} ${target.route.method} ${target.route.path}`,
        method,
        path: `${prefix}${path === '/' ? '' : path}${search ? `?${search}` : ''}`,
        headers,
        body: sendsBody ? body : undefined,
      };
    });
}

describe('fuzz: every route of every HTTP function answers hostile input in the contract', function () {
  this.timeout(900_000);
  let stack: TestStack;
  let known: Known;
  let restorePush: () => Promise<void>;
  let restoreSchedule: () => Promise<void>;

  before(async () => {
    const users = await suiteUsers();
    stack = users.stack;
    restorePush = await pausePushDelivery(stack);
    await resetToConfiguredApp(stack, users.admin);
    assert.equal(new URL((await link(users.user)).outcome).searchParams.get('link'), 'ok');
    // The Scheduler emulator must not fire syncTick (and write) while requests are judged; the
    // suites after this one share the stack and find the job as it was.
    const schedule = (await call('GET', '/settings/schedule', { user: users.admin })).json as {
      paused?: boolean;
      schedule?: string;
      timeZone?: string;
    };
    const putSchedule = (paused: boolean) =>
      call('PUT', '/settings/schedule', {
        user: users.admin,
        body: {
          paused,
          schedule: schedule.schedule ?? '* * * * *',
          timeZone: schedule.timeZone ?? 'Etc/UTC',
        },
      });
    await putSchedule(true);
    restoreSchedule = async () => {
      if (schedule.paused !== true) await putSchedule(false);
    };
    const contact = await call('POST', '/api/contacts', { user: users.user, body: { givenName: 'Fuzz' } });
    const tag = await call('POST', '/api/tags', {
      user: users.user,
      body: { name: 'Fuzz', type: 'personal' },
    });
    const activity = await call('POST', '/api/activities', {
      user: users.user,
      body: { title: 'Fuzz', start: '2030-01-01T10:00:00Z', end: '2030-01-01T11:00:00Z' },
    });
    const [account] = (
      (await call('GET', '/api/me/accounts', { user: users.user })).json as { items: { id: string }[] }
    ).items;
    const ids = [contact, tag, activity].map((reply) => (reply.json as { id: string }).id);
    known = { ids: [...ids, account?.id ?? 'none', 'gmail'], user: users.user, admin: users.admin };
  });

  after(async () => {
    await restoreSchedule();
    await restorePush();
  });

  it(`when ${RUNS} seeded requests hit every route, then none answers 5xx, every error has the envelope, and no refused request writes`, async () => {
    const table = await routeTable();
    assert.ok(table.length >= 20, `the route table lists ${table.length} routes`);
    const seen = new Set<string>();
    const statuses = new Map<number, number>();
    let sent = 0;
    let before = await firestoreFingerprint(stack);
    assert.ok(before.includes('/crmContacts/'), 'the fingerprint sees the documents');
    await fc.assert(
      fc.asyncProperty(requestArbitrary(table, known), async (request) => {
        const response = await fetch(`${stack.baseUrl}${request.path}`, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          redirect: 'manual',
        });
        const text = await response.text();
        sent += 1;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        seen.add(request.routeKey);
        const context = `${request.method} ${request.path} ${request.body ?? ''} -> ${response.status} ${text}`;
        assert.ok(response.status < 500, context);
        if (response.status >= 400) {
          assert.match(response.headers.get('content-type') ?? '', /application\/json/, context);
          if (request.method !== 'HEAD') {
            const envelope = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            assert.equal(typeof envelope.error?.code, 'string', context);
            assert.ok(
              typeof envelope.error?.message === 'string' && envelope.error.message.length > 0,
              context,
            );
          }
          assert.equal(await firestoreFingerprint(stack), before, `a refused request wrote: ${context}`);
        } else {
          before = await firestoreFingerprint(stack);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    assert.ok(sent >= RUNS, `${sent} requests sent`);
    // The generator reaches both sides of the contract: accepted requests and every kind of refusal.
    const count = (low: number, high: number) =>
      [...statuses].filter(([status]) => status >= low && status < high).reduce((sum, [, n]) => sum + n, 0);
    const histogram = JSON.stringify(Object.fromEntries(statuses));
    assert.ok(count(200, 400) >= 50, `accepted requests: ${histogram}`);
    for (const status of [400, 401, 403, 404, 405])
      assert.ok(statuses.get(status), `no ${status}: ${histogram}`);
    for (const { fn, route } of table) {
      const key = `${fn} ${route.method} ${route.path}`;
      assert.ok(seen.has(key), `${key} was never fuzzed`);
    }
  });
});
