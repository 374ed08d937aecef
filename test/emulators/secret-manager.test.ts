import assert from 'node:assert/strict';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { crc32c } from '../../emulators/secret-manager/crc32c.js';
import {
  type SecretManagerEmulator,
  startSecretManagerEmulator,
} from '../../emulators/secret-manager/index.js';
import { googleCloudClientOptions } from '../../functions/src/adapters/googleCloudClientOptions.js';
import { failure } from './helpers.js';

const PROJECT = 'demo-secret-test';
const PARENT = `projects/${PROJECT}`;

describe('Secret Manager emulator (driven by @google-cloud/secret-manager over REST)', () => {
  let emulator: SecretManagerEmulator;
  let client: SecretManagerServiceClient;
  let idCounter = 0;
  const newSecretId = () => `secret-${Date.now()}-${++idCounter}`;

  async function createSecret(secretId = newSecretId()): Promise<string> {
    const [secret] = await client.createSecret({
      parent: PARENT,
      secretId,
      secret: { replication: { automatic: {} } },
    });
    return secret.name ?? assert.fail('created secret has no name');
  }

  async function addVersion(secretName: string, text: string): Promise<string> {
    const [version] = await client.addSecretVersion({
      parent: secretName,
      payload: { data: Buffer.from(text) },
    });
    return version.name ?? assert.fail('created version has no name');
  }

  async function accessText(name: string): Promise<{ name: string; text: string; crc: string }> {
    const [response] = await client.accessSecretVersion({ name });
    const data = response.payload?.data ?? assert.fail('no payload');
    return {
      name: response.name ?? '',
      text: Buffer.from(data as Uint8Array).toString('utf8'),
      crc: String(response.payload?.dataCrc32c),
    };
  }

  before(async () => {
    emulator = await startSecretManagerEmulator({ port: 0 });
    client = new SecretManagerServiceClient(googleCloudClientOptions(`127.0.0.1:${emulator.port}`));
  });

  after(async () => {
    await client.close();
    await emulator.close();
  });

  describe('CRC32C', () => {
    it('when computing the standard check input "123456789", then the Castagnoli check value results', () => {
      assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
      assert.equal(crc32c(Buffer.alloc(0)), 0);
    });
  });

  describe('secrets', () => {
    it('when a secret is created, then it can be read back under the given project id', async () => {
      const secretId = newSecretId();
      const [created] = await client.createSecret({
        parent: PARENT,
        secretId,
        secret: { replication: { automatic: {} }, labels: { app: 'crm' } },
      });
      assert.equal(created.name, `${PARENT}/secrets/${secretId}`);
      const [read] = await client.getSecret({ name: created.name ?? '' });
      assert.deepEqual(read.labels, { app: 'crm' });
      assert.ok(read.replication?.automatic, 'automatic replication is kept');
      assert.ok(read.createTime?.seconds, 'createTime is set');
    });

    it('when the same secret id is created twice, then the second create is refused with ALREADY_EXISTS', async () => {
      const name = await createSecret();
      const secretId = name.split('/').at(-1) ?? '';
      const refused = await failure(() =>
        client.createSecret({ parent: PARENT, secretId, secret: { replication: { automatic: {} } } }),
      );
      assert.equal(refused.status, 'ALREADY_EXISTS');
    });

    it('when the secret id has a character outside [A-Za-z0-9_-], then it is refused with INVALID_ARGUMENT', async () => {
      const refused = await failure(() =>
        client.createSecret({
          parent: PARENT,
          secretId: 'has.dot',
          secret: { replication: { automatic: {} } },
        }),
      );
      assert.equal(refused.status, 'INVALID_ARGUMENT');
      const tooLong = await failure(() =>
        client.createSecret({
          parent: PARENT,
          secretId: 'x'.repeat(256),
          secret: { replication: { automatic: {} } },
        }),
      );
      assert.equal(tooLong.status, 'INVALID_ARGUMENT');
    });

    it('when a secret is deleted, then it and its versions are gone', async () => {
      const name = await createSecret();
      await addVersion(name, 'v1');
      await client.deleteSecret({ name });
      assert.equal((await failure(() => client.getSecret({ name }))).status, 'NOT_FOUND');
      assert.equal((await failure(() => accessText(`${name}/versions/1`))).status, 'NOT_FOUND');
    });

    it('when secrets of two projects exist, then listing a project returns only its own', async () => {
      const mine = await createSecret();
      await client.createSecret({
        parent: 'projects/other-project',
        secretId: 'elsewhere',
        secret: { replication: { automatic: {} } },
      });
      const [secrets] = await client.listSecrets({ parent: PARENT });
      const names = secrets.map((s) => s.name ?? '');
      assert.ok(names.includes(mine));
      assert.ok(names.every((n) => n.startsWith(`${PARENT}/`)));
    });
  });

  describe('versions', () => {
    it('when versions are added, then latest is the newest and a numbered version is that version', async () => {
      const name = await createSecret();
      assert.equal(await addVersion(name, 'first'), `${name}/versions/1`);
      assert.equal(await addVersion(name, 'second'), `${name}/versions/2`);
      const latest = await accessText(`${name}/versions/latest`);
      assert.deepEqual(latest, {
        name: `${name}/versions/2`,
        text: 'second',
        crc: String(crc32c(Buffer.from('second'))),
      });
      assert.equal((await accessText(`${name}/versions/1`)).text, 'first');
    });

    it('when the client sends the right dataCrc32c, then the version is stored and marked as client-checksummed', async () => {
      const name = await createSecret();
      const data = Buffer.from('s3cr3t');
      const [version] = await client.addSecretVersion({
        parent: name,
        payload: { data, dataCrc32c: crc32c(data) },
      });
      assert.equal(version.clientSpecifiedPayloadChecksum, true);
      assert.equal(version.state, 'ENABLED');
      assert.equal((await accessText(version.name ?? '')).crc, String(crc32c(data)));
    });

    it('when the client sends a wrong dataCrc32c, then the version is refused and none is created', async () => {
      const name = await createSecret();
      const data = Buffer.from('s3cr3t');
      const refused = await failure(() =>
        client.addSecretVersion({
          parent: name,
          payload: { data, dataCrc32c: (crc32c(data) + 1) % 2 ** 32 },
        }),
      );
      assert.equal(refused.status, 'INVALID_ARGUMENT');
      assert.ok(refused.message.includes('Checksum mismatch'), refused.message);
      const [versions] = await client.listSecretVersions({ parent: name });
      assert.equal(versions.length, 0);
    });

    it('when the payload is larger than 64 KiB, then it is refused with INVALID_ARGUMENT', async () => {
      const name = await createSecret();
      const refused = await failure(() =>
        client.addSecretVersion({ parent: name, payload: { data: Buffer.alloc(64 * 1024 + 1, 1) } }),
      );
      assert.equal(refused.status, 'INVALID_ARGUMENT');
      await client.addSecretVersion({ parent: name, payload: { data: Buffer.alloc(64 * 1024, 1) } });
    });

    it('when the newest version is disabled, then accessing latest fails with FAILED_PRECONDITION until it is enabled', async () => {
      const name = await createSecret();
      await addVersion(name, 'old');
      const newest = await addVersion(name, 'new');
      const [disabled] = await client.disableSecretVersion({ name: newest });
      assert.equal(disabled.state, 'DISABLED');

      const refused = await failure(() => accessText(`${name}/versions/latest`));
      assert.equal(refused.status, 'FAILED_PRECONDITION');
      assert.ok(
        refused.message.includes(`Secret Version [${newest}] is in DISABLED state.`),
        refused.message,
      );
      assert.equal(
        (await accessText(`${name}/versions/1`)).text,
        'old',
        'older enabled versions stay readable',
      );

      await client.enableSecretVersion({ name: newest });
      assert.equal((await accessText(`${name}/versions/latest`)).text, 'new');
    });

    it('when a version is destroyed, then its payload is gone for good and its state cannot change', async () => {
      const name = await createSecret();
      const version = await addVersion(name, 'doomed');
      const [destroyed] = await client.destroySecretVersion({ name: version });
      assert.equal(destroyed.state, 'DESTROYED');
      assert.ok(destroyed.destroyTime?.seconds, 'destroyTime is set');

      const refused = await failure(() => accessText(version));
      assert.equal(refused.status, 'FAILED_PRECONDITION');
      assert.ok(
        refused.message.includes(`Secret Version [${version}] is in DESTROYED state.`),
        refused.message,
      );
      assert.equal(
        (await failure(() => client.enableSecretVersion({ name: version }))).status,
        'FAILED_PRECONDITION',
      );
      assert.equal(
        (await failure(() => client.disableSecretVersion({ name: version }))).status,
        'FAILED_PRECONDITION',
      );
      const [read] = await client.getSecretVersion({ name: version });
      assert.equal(read.state, 'DESTROYED');
    });

    it('when a state change carries a stale etag, then it is refused with ABORTED', async () => {
      const name = await createSecret();
      const version = await addVersion(name, 'x');
      const [before] = await client.getSecretVersion({ name: version });
      await client.disableSecretVersion({ name: version, etag: before.etag ?? '' });
      const refused = await failure(() =>
        client.enableSecretVersion({ name: version, etag: before.etag ?? '' }),
      );
      assert.equal(refused.status, 'ABORTED');
    });

    it('when versions are listed, then they come newest first, page by page, with the total size', async () => {
      const name = await createSecret();
      for (const text of ['a', 'b', 'c', 'd', 'e']) await addVersion(name, text);

      const [page1, next1, raw1] = await client.listSecretVersions(
        { parent: name, pageSize: 2 },
        { autoPaginate: false },
      );
      assert.deepEqual(
        page1.map((v) => v.name),
        [`${name}/versions/5`, `${name}/versions/4`],
      );
      assert.equal(raw1?.totalSize, 5);
      assert.ok(next1?.pageToken, 'a next page is announced');
      const [page2] = await client.listSecretVersions(
        { parent: name, pageSize: 2, pageToken: next1?.pageToken ?? '' },
        { autoPaginate: false },
      );
      assert.deepEqual(
        page2.map((v) => v.name),
        [`${name}/versions/3`, `${name}/versions/2`],
      );

      const all: string[] = [];
      for await (const version of client.listSecretVersionsAsync(
        { parent: name, pageSize: 2 },
        { autoPaginate: false },
      )) {
        all.push(version.name?.split('/').at(-1) ?? '');
      }
      assert.deepEqual(all, ['5', '4', '3', '2', '1'], 'the client follows the page tokens to the end');
    });

    it('when a secret or version does not exist, then the calls fail with NOT_FOUND', async () => {
      const missing = `${PARENT}/secrets/does-not-exist`;
      assert.equal((await failure(() => client.getSecret({ name: missing }))).status, 'NOT_FOUND');
      assert.equal((await failure(() => addVersion(missing, 'x'))).status, 'NOT_FOUND');
      assert.equal((await failure(() => accessText(`${missing}/versions/latest`))).status, 'NOT_FOUND');
      const empty = await createSecret();
      assert.equal((await failure(() => accessText(`${empty}/versions/latest`))).status, 'NOT_FOUND');
      assert.equal((await failure(() => accessText(`${empty}/versions/7`))).status, 'NOT_FOUND');
    });
  });

  describe('plain REST', () => {
    it('when called without the client, then errors use the AIP-193 body and enums are names', async () => {
      const name = await createSecret();
      await addVersion(name, 'x');
      const version = await fetch(`${emulator.url}/v1/${name}/versions/1`);
      assert.equal(((await version.json()) as { state: string }).state, 'ENABLED');

      const missing = await fetch(`${emulator.url}/v1/${PARENT}/secrets/nope/versions/1:access`);
      assert.equal(missing.status, 404);
      assert.deepEqual(await missing.json(), {
        error: {
          code: 404,
          message: `Secret Version [${PARENT}/secrets/nope/versions/1] not found.`,
          status: 'NOT_FOUND',
        },
      });
    });
  });
});
