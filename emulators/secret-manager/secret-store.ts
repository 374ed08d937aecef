/**
 * In-memory Secret Manager state and its rules (docs/google-apis.md#secret-manager-and-cloud-scheduler, "Secret Manager"). Resource
 * names keep the project id exactly as the caller spelled it (Google itself answers with the project
 * number, which an emulator has no way to know).
 */

import { ApiError } from '../shared/api-error.js';
import { isObject, type JsonObject } from '../shared/json.js';
import { crc32c } from './crc32c.js';

export const VERSION_STATES = ['STATE_UNSPECIFIED', 'ENABLED', 'DISABLED', 'DESTROYED'] as const;
export type VersionState = (typeof VERSION_STATES)[number];

export interface SecretRecord {
  name: string;
  createTime: Date;
  replication: JsonObject;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  etag: string;
  versions: VersionRecord[]; // oldest first; ids are never reused
  nextVersionId: number;
}

export interface VersionRecord {
  name: string;
  createTime: Date;
  destroyTime?: Date;
  state: VersionState;
  etag: string;
  data?: Buffer; // erased on destroy
  crc32c?: number;
  clientSpecifiedPayloadChecksum: boolean;
}

/** SecretPayload.data is limited to 64 KiB. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;

export type VersionAction = 'enable' | 'disable' | 'destroy';

export class SecretStore {
  private readonly secrets = new Map<string, SecretRecord>();
  private etagCounter = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  createSecret(project: string, secretId: string, body: JsonObject): SecretRecord {
    if (!SECRET_ID.test(secretId)) {
      throw new ApiError(
        'INVALID_ARGUMENT',
        `Secret ID [${secretId}] is not in a valid format: it must be 1-255 characters of [A-Za-z0-9_-].`,
      );
    }
    const name = `projects/${project}/secrets/${secretId}`;
    if (this.secrets.has(name)) throw new ApiError('ALREADY_EXISTS', `Secret [${name}] already exists.`);
    const replication = body.replication;
    if (!isObject(replication)) {
      throw new ApiError('INVALID_ARGUMENT', 'Secret.replication is required (e.g. {"automatic": {}}).');
    }
    const secret: SecretRecord = {
      name,
      createTime: this.now(),
      replication,
      labels: stringMap(body.labels, 'labels'),
      annotations: stringMap(body.annotations, 'annotations'),
      etag: this.newEtag(),
      versions: [],
      nextVersionId: 1,
    };
    this.secrets.set(name, secret);
    return secret;
  }

  getSecret(name: string): SecretRecord {
    const secret = this.secrets.get(name);
    if (!secret) throw new ApiError('NOT_FOUND', `Secret [${name}] not found.`);
    return secret;
  }

  listSecrets(project: string): SecretRecord[] {
    const prefix = `projects/${project}/secrets/`;
    return [...this.secrets.values()].filter((s) => s.name.startsWith(prefix));
  }

  /** Deleting a secret deletes all of its versions. */
  deleteSecret(name: string, etag: string): void {
    const secret = this.getSecret(name);
    checkEtag(etag, secret.etag, name);
    this.secrets.delete(name);
  }

  addVersion(secretName: string, payload: unknown): VersionRecord {
    const secret = this.getSecret(secretName);
    if (!isObject(payload)) throw new ApiError('INVALID_ARGUMENT', 'Secret payload is required.');
    const data = decodeBase64(payload.data);
    if (data.length > MAX_PAYLOAD_BYTES) {
      throw new ApiError(
        'INVALID_ARGUMENT',
        `Secret payload data exceeds the limit of ${MAX_PAYLOAD_BYTES} bytes.`,
      );
    }
    const actual = crc32c(data);
    const claimed = payload.dataCrc32c;
    const clientSpecified = claimed !== undefined && claimed !== null;
    if (clientSpecified && parseUint32(claimed) !== actual) {
      throw new ApiError(
        'INVALID_ARGUMENT',
        'Checksum mismatch: payload.dataCrc32c does not match the data.',
      );
    }
    const version: VersionRecord = {
      name: `${secretName}/versions/${secret.nextVersionId++}`,
      createTime: this.now(),
      state: 'ENABLED',
      etag: this.newEtag(),
      data,
      crc32c: actual,
      clientSpecifiedPayloadChecksum: clientSpecified,
    };
    secret.versions.push(version);
    return version;
  }

  /** `latest` is the most recently created version, whatever its state (docs/google-apis.md#secret-manager-and-cloud-scheduler). */
  getVersion(secretName: string, versionId: string): VersionRecord {
    const secret = this.secrets.get(secretName);
    const version =
      versionId === 'latest'
        ? secret?.versions.at(-1)
        : secret?.versions.find((v) => v.name === `${secretName}/versions/${versionId}`);
    if (!version) {
      throw new ApiError('NOT_FOUND', `Secret Version [${secretName}/versions/${versionId}] not found.`);
    }
    return version;
  }

  accessVersion(secretName: string, versionId: string): VersionRecord & { data: Buffer; crc32c: number } {
    const version = this.getVersion(secretName, versionId);
    if (version.state !== 'ENABLED' || !version.data || version.crc32c === undefined) {
      throw new ApiError(
        'FAILED_PRECONDITION',
        `Secret Version [${version.name}] is in ${version.state} state.`,
      );
    }
    return { ...version, data: version.data, crc32c: version.crc32c };
  }

  /** Newest first, as Google lists them. */
  listVersions(secretName: string): VersionRecord[] {
    return [...this.getSecret(secretName).versions].reverse();
  }

  /** DESTROYED is terminal: the payload is erased and no later state change is allowed. */
  changeVersionState(
    secretName: string,
    versionId: string,
    action: VersionAction,
    etag: string,
  ): VersionRecord {
    const version = this.getVersion(secretName, versionId);
    checkEtag(etag, version.etag, version.name);
    if (version.state === 'DESTROYED') {
      throw new ApiError('FAILED_PRECONDITION', `SecretVersion.state is already DESTROYED.`);
    }
    if (action === 'destroy') {
      version.state = 'DESTROYED';
      version.destroyTime = this.now();
      delete version.data;
    } else {
      version.state = action === 'enable' ? 'ENABLED' : 'DISABLED';
    }
    version.etag = this.newEtag();
    return version;
  }

  private newEtag(): string {
    this.etagCounter += 1;
    return `"${(Date.now() * 1000 + this.etagCounter).toString(16)}"`;
  }
}

/** AIP-154: a stale etag is refused with ABORTED (409). An empty etag means "no precondition". */
function checkEtag(given: string, current: string, name: string): void {
  if (given !== '' && given !== current) {
    throw new ApiError('ABORTED', `The etag provided for [${name}] does not match the current etag.`);
  }
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new ApiError('INVALID_ARGUMENT', `Secret.${field} must be a map of strings.`);
  }
  return value as Record<string, string>;
}

function decodeBase64(value: unknown): Buffer {
  if (value === undefined || value === null || value === '') return Buffer.alloc(0);
  // proto3 JSON `bytes` is standard or URL-safe base64.
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    throw new ApiError('INVALID_ARGUMENT', 'payload.data must be base64.');
  }
  return Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
}

/** int64 arrives as a JSON string (proto3 JSON) or, from lenient callers, a number. */
function parseUint32(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new ApiError('INVALID_ARGUMENT', 'payload.dataCrc32c must be an unsigned integer.');
  }
  return n;
}
