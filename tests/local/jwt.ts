/** aws-jwt-verify's JwtRsaVerifier wired to the stand-in's http JWKS (its default fetcher is https-only). */
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

export const httpFetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const res = await fetch(uri);
    if (!res.ok) throw new Error(`JWKS fetch failed: ${res.status}`);
    return res.arrayBuffer();
  },
};

export function createVerifier(
  issuer: string,
  jwksUri: string,
  tokenUse: 'id' | 'access',
  audience: string | string[] | null,
) {
  return JwtRsaVerifier.create(
    {
      issuer,
      jwksUri,
      audience,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== tokenUse)
          throw new Error(`expected token_use ${tokenUse}, got ${String(payload.token_use)}`);
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher: httpFetcher }) },
  );
}
