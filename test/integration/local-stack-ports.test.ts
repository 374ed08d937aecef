import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { freePort, PortInUse } from '../../scripts/local/processes.js';
import { startEmulators } from '../../scripts/local/stack.js';
import { DEMO_OAUTH_CLIENT, demoClientBannerLine } from '../../scripts/local/wiring.js';

/**
 * `npm start` after a SIGKILLed one (issue #16, point 9): the detached emulators of the old run still
 * hold their ports, and the new stack must say so instead of taking them for its own.
 */
describe('local stack: ports taken by something it did not start', function () {
  this.timeout(60_000);
  let squatter: Server;
  let squatted: number;

  before(async () => {
    squatted = await freePort();
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(squatted, '127.0.0.1', resolve));
  });

  after(async () => {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  });

  it('when the Firestore port is already taken, then the stack refuses to start, names the port and what it was for, and starts nothing', async () => {
    const host = async () => `127.0.0.1:${await freePort()}`;
    const pubsub = await host();
    const started = Date.now();
    await assert.rejects(
      startEmulators('demo-ports-test', {
        firestore: `127.0.0.1:${squatted}`,
        pubsub,
        auth: await host(),
        secretManager: await host(),
        scheduler: await host(),
        mail: { imapPort: await freePort(), smtpPort: await freePort() },
      }),
      (error: unknown) => {
        assert.ok(error instanceof PortInUse, String(error));
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${squatted} \\(Firestore emulator\\)`));
        assert.match(error.message, /did not start/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 10_000, 'it failed before starting any emulator');
    // Nothing was started on the other ports.
    const [, port] = pubsub.split(':');
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(Number(port), '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('when the banner shows the demo OAuth client, then it says the secret is set and never prints it', () => {
    const line = demoClientBannerLine();
    assert.ok(line.includes(DEMO_OAUTH_CLIENT.clientId));
    assert.match(line, /secret set/);
    assert.ok(!line.includes(DEMO_OAUTH_CLIENT.clientSecret));
  });
});
