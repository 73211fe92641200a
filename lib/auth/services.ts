import { createCognitoClient } from '@/lib/aws/clients';
import { getConfig } from '@/lib/config';
import { CognitoTokenVerifier } from './tokens';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

let verifier: CognitoTokenVerifier | undefined;
let cognito: CognitoIdentityProviderClient | undefined;

/** Process-wide token verifier (one JWKS cache). */
export function getTokenVerifier(): CognitoTokenVerifier {
  verifier ??= new CognitoTokenVerifier(getConfig());
  return verifier;
}

export function getCognitoClient(): CognitoIdentityProviderClient {
  cognito ??= createCognitoClient(getConfig());
  return cognito;
}
