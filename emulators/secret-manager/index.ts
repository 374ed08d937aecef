/**
 * Secret Manager v1 REST emulator: Google's paths under `/v1/projects/{project}/secrets...`, as the
 * official client's REST transport calls them (HTTP/JSON transcoding of the `google.api.http`
 * annotations in google/cloud/secretmanager/v1/service.proto). See README.md for sources.
 */
import { ApiError } from '../shared/api-error.js';
import { formatEnum, type JsonObject, readJsonBody } from '../shared/json.js';
import { requestedPage } from '../shared/paging.js';
import { type RestCall, type RouteTable, type RunningServer, serveRoutes } from '../shared/rest-server.js';
import {
  type SecretRecord,
  SecretStore,
  VERSION_STATES,
  type VersionAction,
  type VersionRecord,
} from './secret-store.js';

export interface SecretManagerEmulatorOptions {
  host?: string;
  port: number;
}

export type SecretManagerEmulator = RunningServer;

/** ListSecrets / ListSecretVersions cap page_size at 25000 (0 = server decides). */
const MAX_PAGE_SIZE = 25_000;
/** 64 KiB of data grows by a third in base64; leave room for the JSON around it. */
const MAX_BODY_BYTES = 256 * 1024;

const SEGMENT = '([^/:]+)';
/** Path captures: project, secret, version, verb (as far as the route has them). */
type Call = RestCall<{ store: SecretStore }>;
const ROUTES: RouteTable<{ store: SecretStore }> = [
  {
    pattern: new RegExp(`^/v1/projects/${SEGMENT}/secrets$`),
    methods: { GET: listSecrets, POST: createSecret },
  },
  {
    pattern: new RegExp(`^/v1/projects/${SEGMENT}/secrets/${SEGMENT}$`),
    methods: { GET: getSecret, DELETE: deleteSecret },
  },
  {
    pattern: new RegExp(`^/v1/projects/${SEGMENT}/secrets/${SEGMENT}:addVersion$`),
    methods: { POST: addVersion },
  },
  {
    pattern: new RegExp(`^/v1/projects/${SEGMENT}/secrets/${SEGMENT}/versions$`),
    methods: { GET: listVersions },
  },
  {
    pattern: new RegExp(`^/v1/projects/${SEGMENT}/secrets/${SEGMENT}/versions/${SEGMENT}$`),
    methods: { GET: getVersion },
  },
  {
    pattern: new RegExp(`^/v1/projects/${SEGMENT}/secrets/${SEGMENT}/versions/${SEGMENT}:access$`),
    methods: { GET: accessVersion },
  },
  {
    pattern: new RegExp(
      `^/v1/projects/${SEGMENT}/secrets/${SEGMENT}/versions/${SEGMENT}:(enable|disable|destroy)$`,
    ),
    methods: { POST: changeVersionState },
  },
];

export async function startSecretManagerEmulator(
  options: SecretManagerEmulatorOptions,
): Promise<SecretManagerEmulator> {
  return serveRoutes(ROUTES, 'Secret Manager', { store: new SecretStore() }, options);
}

function secretName([project, secret]: string[]): string {
  return `projects/${project}/secrets/${secret}`;
}

async function createSecret({ store, req, url, params: [project = ''] }: Call): Promise<unknown> {
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  return secretJson(store.createSecret(project, url.searchParams.get('secretId') ?? '', body));
}

async function getSecret({ store, params }: Call): Promise<unknown> {
  return secretJson(store.getSecret(secretName(params)));
}

async function listSecrets({ store, url, params: [project = ''] }: Call): Promise<unknown> {
  if (url.searchParams.get('filter'))
    throw new ApiError('UNIMPLEMENTED', 'The emulator does not support filter.');
  const all = store.listSecrets(project);
  const { page, nextPageToken } = requestedPage(all, url, MAX_PAGE_SIZE);
  return listJson('secrets', page.map(secretJson), nextPageToken, all.length);
}

async function deleteSecret({ store, url, params }: Call): Promise<unknown> {
  store.deleteSecret(secretName(params), url.searchParams.get('etag') ?? '');
  return {};
}

async function addVersion({ store, req, params, intEnums }: Call): Promise<unknown> {
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  return versionJson(store.addVersion(secretName(params), body.payload), intEnums);
}

async function listVersions({ store, url, params, intEnums }: Call): Promise<unknown> {
  if (url.searchParams.get('filter'))
    throw new ApiError('UNIMPLEMENTED', 'The emulator does not support filter.');
  const all = store.listVersions(secretName(params));
  const { page, nextPageToken } = requestedPage(all, url, MAX_PAGE_SIZE);
  return listJson(
    'versions',
    page.map((v) => versionJson(v, intEnums)),
    nextPageToken,
    all.length,
  );
}

async function getVersion({ store, params, intEnums }: Call): Promise<unknown> {
  return versionJson(store.getVersion(secretName(params), versionIdOf(params, true)), intEnums);
}

/** AccessSecretVersionResponse: the concrete version name (never `latest`) and the payload. */
async function accessVersion({ store, params }: Call): Promise<unknown> {
  const version = store.accessVersion(secretName(params), versionIdOf(params, true));
  return {
    name: version.name,
    payload: { data: version.data.toString('base64'), dataCrc32c: String(version.crc32c) },
  };
}

async function changeVersionState({ store, req, params, intEnums }: Call): Promise<unknown> {
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  const etag = typeof body.etag === 'string' ? body.etag : '';
  const action = params[3] as VersionAction;
  return versionJson(
    store.changeVersionState(secretName(params), versionIdOf(params, false), action, etag),
    intEnums,
  );
}

/** Version ids are 1, 2, 3…; the `latest` alias is only defined for get and access. */
function versionIdOf(params: string[], allowLatest: boolean): string {
  const id = params[2] ?? '';
  if (/^[1-9]\d*$/.test(id) || (allowLatest && id === 'latest')) return id;
  throw new ApiError(
    'INVALID_ARGUMENT',
    `Resource ID [${secretName(params)}/versions/${id}] is not in a valid format.`,
  );
}

function secretJson(secret: SecretRecord): JsonObject {
  return omitEmpty({
    name: secret.name,
    replication: secret.replication,
    createTime: secret.createTime.toISOString(),
    labels: secret.labels,
    annotations: secret.annotations,
    etag: secret.etag,
  });
}

function versionJson(version: VersionRecord, intEnums: boolean): JsonObject {
  return omitEmpty({
    name: version.name,
    createTime: version.createTime.toISOString(),
    destroyTime: version.destroyTime?.toISOString(),
    state: formatEnum(version.state, VERSION_STATES, intEnums),
    etag: version.etag,
    clientSpecifiedPayloadChecksum: version.clientSpecifiedPayloadChecksum,
    replicationStatus: { automatic: {} },
  });
}

function listJson(field: string, items: JsonObject[], nextPageToken: string, totalSize: number): JsonObject {
  return omitEmpty({ [field]: items, nextPageToken, totalSize });
}

/** proto3 JSON leaves out unset fields, empty maps, empty lists and empty strings. */
function omitEmpty(object: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => {
      if (value === undefined || value === '') return false;
      if (Array.isArray(value)) return value.length > 0;
      if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
      return true;
    }),
  );
}
