import { createHash, createSign, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

/** The RS256 signing key of this emulator instance, published at the certs endpoints. */
export class SigningKey {
  readonly kid: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.kid = randomBytes(20).toString('hex');
  }

  /** JWK set, as https://www.googleapis.com/oauth2/v3/certs serves it. */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', alg: 'RS256', kid: this.kid, n: jwk.n, e: jwk.e }] };
  }

  /**
   * kid → PEM map, the shape of https://www.googleapis.com/oauth2/v1/certs. Google serves X.509
   * certificates there; Node cannot mint certificates without extra dependencies, so this serves the
   * SPKI public key in PEM, which google-auth-library's verifier (crypto.createVerify) accepts alike.
   */
  pemCerts(): Record<string, string> {
    return { [this.kid]: this.publicKey.export({ format: 'pem', type: 'spki' }).toString() };
  }

  signJwt(payload: Record<string, unknown>): string {
    const header = { alg: 'RS256', kid: this.kid, typ: 'JWT' };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).end().sign(this.privateKey);
    return `${signingInput}.${b64url(signature)}`;
  }
}

/** OIDC `at_hash`: left half of SHA-256 of the access token, base64url. */
export function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken).digest();
  return b64url(digest.subarray(0, digest.length / 2));
}

export function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
