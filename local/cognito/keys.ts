/**
 * Signing keys of the Cognito stand-in. The first key signs; rotation adds a new first key and
 * optionally retires the older ones (the JWKS then no longer lists them).
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface SigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  privateKey: CryptoKey;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const kid = randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateJwk, publicJwk, privateKey: privateKey as CryptoKey };
}

export class KeyRing {
  private constructor(private keys: SigningKey[]) {}

  static async create(): Promise<KeyRing> {
    return new KeyRing([await createSigningKey()]);
  }

  get current(): SigningKey {
    return this.keys[0];
  }

  /** Private JWKs, signing key first (the order oidc-provider picks from). */
  privateJwks(): JWK[] {
    return this.keys.map((k) => k.privateJwk);
  }

  publicJwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  async rotate(retireOld: boolean): Promise<SigningKey> {
    const key = await createSigningKey();
    this.keys = retireOld ? [key] : [key, ...this.keys];
    return key;
  }
}
