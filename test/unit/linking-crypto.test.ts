import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { KeyMaterial } from '../../functions/src/core/crypto/keys.js';
import {
  newNonce,
  peekState,
  pkceChallenge,
  pkceVerifier,
  STATE_LIFETIME_MS,
  signState,
  verifyState,
} from '../../functions/src/core/crypto/oauthState.js';
import { open, seal } from '../../functions/src/core/crypto/tokenCipher.js';
import { isSealedValue } from '../../functions/src/domain/accounts/sealedValue.js';

const keyOne: KeyMaterial = { version: '1', material: randomBytes(32) };
const keyTwo: KeyMaterial = { version: '2', material: randomBytes(32) };
const T0 = Date.parse('2025-01-01T12:00:00Z');

describe('linking: token encryption (AES-256-GCM)', () => {
  const token = '1//0refresh-token-value';

  it('when a token is sealed and opened with the same key and owner, then the token comes back', () => {
    const sealed = seal(token, keyOne, 'users/a');
    assert.ok(isSealedValue(sealed));
    assert.equal(sealed.keyVersion, '1');
    assert.equal(open(sealed, keyOne, 'users/a'), token);
  });

  it('when a sealed token is inspected, then it holds no trace of the plain text', () => {
    const sealed = seal(token, keyOne, 'users/a');
    assert.ok(!JSON.stringify(sealed).includes(token));
    assert.ok(!JSON.stringify(sealed).includes(Buffer.from(token).toString('base64')));
  });

  it('when the same token is sealed twice, then the ciphertexts differ (fresh IV)', () => {
    assert.notEqual(seal(token, keyOne, 'users/a').ciphertext, seal(token, keyOne, 'users/a').ciphertext);
  });

  it('when a sealed token is opened for another owner, then it is refused', () => {
    assert.throws(() => open(seal(token, keyOne, 'users/a'), keyOne, 'users/b'));
  });

  it('when a sealed token is opened with another key version, then it is refused', () => {
    assert.throws(() => open(seal(token, keyOne, 'users/a'), keyTwo, 'users/a'));
    const relabelled = { ...seal(token, keyOne, 'users/a'), keyVersion: '2' };
    assert.throws(() => open(relabelled, keyTwo, 'users/a'));
  });

  it('when one byte of the ciphertext or tag is changed, then opening fails', () => {
    const sealed = seal(token, keyOne, 'users/a');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    assert.throws(() => open({ ...sealed, ciphertext: flip(sealed.ciphertext) }, keyOne, 'users/a'));
    assert.throws(() => open({ ...sealed, tag: flip(sealed.tag) }, keyOne, 'users/a'));
  });

  it('when the key material is shorter than 32 bytes, then nothing is sealed with it', () => {
    assert.throws(() => seal(token, { version: '9', material: randomBytes(16) }, 'users/a'), /32 are needed/);
  });
});

describe('linking: OAuth state', () => {
  const issue = (overrides: Partial<{ uid: string; nonce: string; iat: number }> = {}, key = keyOne) =>
    signState({ uid: 'user-1', nonce: newNonce(), iat: T0, ...overrides }, key);

  it('when a fresh state is verified with its key, then it names the user, nonce and key version', () => {
    const nonce = newNonce();
    const result = verifyState(issue({ nonce }), keyOne, T0 + 1000);
    assert.deepEqual(result, { ok: true, payload: { v: 1, uid: 'user-1', nonce, iat: T0, kv: '1' } });
  });

  it('when the state is peeked at, then the key version and nonce are readable before verification', () => {
    const nonce = newNonce();
    assert.equal(peekState(issue({ nonce }))?.kv, '1');
    assert.equal(peekState(issue({ nonce }))?.nonce, nonce);
    assert.equal(peekState('garbage'), undefined);
  });

  it('when the payload is altered (another uid), then it is invalid', () => {
    const [, mac] = issue().split('.');
    const forged = Buffer.from(
      JSON.stringify({ v: 1, uid: 'attacker', nonce: 'n'.repeat(32), iat: T0, kv: '1' }),
    );
    assert.deepEqual(verifyState(`${forged.toString('base64url')}.${mac}`, keyOne, T0), {
      ok: false,
      reason: 'invalid',
    });
  });

  it('when the state was signed with another key, then it is invalid', () => {
    assert.deepEqual(verifyState(issue({}, keyTwo), keyOne, T0), { ok: false, reason: 'invalid' });
  });

  it('when the state is malformed, then it is invalid', () => {
    for (const state of ['', 'a', 'a.b.c', '.', `${issue()}x`, 'eyJ2IjoxfQ.AAAA']) {
      assert.equal(verifyState(state, keyOne, T0).ok, false, state);
    }
  });

  it('when exactly 10 minutes have passed, then it is still valid; a millisecond later it has expired', () => {
    const state = issue();
    assert.equal(verifyState(state, keyOne, T0 + STATE_LIFETIME_MS).ok, true);
    assert.deepEqual(verifyState(state, keyOne, T0 + STATE_LIFETIME_MS + 1), {
      ok: false,
      reason: 'expired',
    });
  });

  it('when the state claims to be issued well in the future, then it is invalid', () => {
    assert.deepEqual(verifyState(issue({ iat: T0 + 5 * 60_000 }), keyOne, T0), {
      ok: false,
      reason: 'invalid',
    });
  });

  it('when nonces are made, then they are unique and URL-safe', () => {
    const nonces = new Set(Array.from({ length: 1000 }, newNonce));
    assert.equal(nonces.size, 1000);
    for (const nonce of nonces) assert.match(nonce, /^[\w-]{32}$/);
  });
});

describe('linking: PKCE', () => {
  it('when a verifier is derived, then it is a 43-character RFC 7636 verifier, stable per nonce and key', () => {
    const verifier = pkceVerifier('nonce-a', keyOne);
    assert.match(verifier, /^[A-Za-z0-9\-._~]{43,128}$/);
    assert.equal(pkceVerifier('nonce-a', keyOne), verifier);
    assert.notEqual(pkceVerifier('nonce-b', keyOne), verifier);
    assert.notEqual(pkceVerifier('nonce-a', keyTwo), verifier);
  });

  it('when the S256 challenge is computed, then it matches RFC 7636 appendix B', () => {
    assert.equal(
      pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    const verifier = pkceVerifier('n', keyOne);
    assert.equal(pkceChallenge(verifier), createHash('sha256').update(verifier).digest('base64url'));
  });
});
