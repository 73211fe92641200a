/**
 * Cognito's JSON 1.1 API (POST / with X-Amz-Target: AWSCognitoIdentityProviderService.<Op>):
 * InitiateAuth (public, like Cognito) and the SigV4-signed Admin* calls a platform team scripts.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureError, verifySigV4, type SigningCredentials } from '../sigv4';
import type { KeyRing } from './keys';
import { issueAccessToken, issueIdToken, TOKEN_TTL_SECONDS } from './tokens';
import { adminUserGlobalSignOut, tokenOperations, type TokenRevocations } from './revocation';
import { machineClientOperations } from './machine-clients';
import {
  assertPasswordPolicy,
  assertUsername,
  CognitoApiError,
  parseListFilter,
  userAttributes,
  type PoolUser,
  type UserStore,
} from './user-store';
import type { DemoAppClient } from '../demo-data';
import { CognitoMfa, type MfaConfiguration } from './mfa';

export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const PUBLIC_OPERATIONS = new Set(['InitiateAuth', 'RespondToAuthChallenge']);
/** Operations authorized by a user's token or an app client, not SigV4 (local/cognito/revocation.ts). */
const TOKEN_OPERATIONS = new Set(['GetUser', 'GlobalSignOut', 'RevokeToken']);
const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

export interface CognitoApiState {
  users: UserStore;
  keys: KeyRing;
  userPoolId: string;
  clients: DemoAppClient[];
  adminKeys: SigningCredentials[];
  issuer(): string;
  revocations: TokenRevocations;
  /** The hosted-UI half's refresh tokens (RevokeToken accepts both halves' tokens). */
  findHostedRefreshToken?: Parameters<typeof tokenOperations>[0]['findHostedRefreshToken'];
  /** The pool's MFA configuration at start (SetUserPoolMfaConfig changes it). */
  mfaConfiguration?: MfaConfiguration;
}

interface RefreshSession {
  username: string;
  clientId: string;
  authTime: number;
  expiresAt: number;
  /** The sign-in's origin_jti: tokens refreshed from it keep it, revocation is by it. */
  originJti: string;
}

interface ChallengeSession {
  username: string;
  clientId: string;
  expiresAt: number;
}

type Json = Record<string, unknown>;

const epochSeconds = (d: Date) => d.getTime() / 1000;

function requireString(input: Json, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw new CognitoApiError(
      'InvalidParameterException',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function describeUser(user: PoolUser, attributesKey: 'Attributes' | 'UserAttributes'): Json {
  return {
    Username: user.username,
    [attributesKey]: userAttributes(user),
    UserCreateDate: epochSeconds(user.createdAt),
    UserLastModifiedDate: epochSeconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

export class CognitoApi {
  private readonly refreshSessions = new Map<string, RefreshSession>();
  private readonly challengeSessions = new Map<string, ChallengeSession>();
  readonly mfa: CognitoMfa;

  private readonly tokenOperations: ReturnType<typeof tokenOperations>;

  constructor(private readonly state: CognitoApiState) {
    this.tokenOperations = tokenOperations({
      ...state,
      revokeApiRefreshToken: (token, clientId) => {
        const session = this.refreshSessions.get(token);
        if (!session || session.clientId !== clientId) return false;
        state.revocations.revokeOrigin(session.originJti);
        return true;
      },
      clientSecretMatches: (clientId, secret) => {
        const client = state.clients.find((c) => c.clientId === clientId);
        return !!client && (!client.clientSecret || client.clientSecret === secret);
      },
    });
    this.mfa = new CognitoMfa(state, state.mfaConfiguration);
  }

  /** Handles one call; throws CognitoApiError (AWS error name + message) on refusal. */
  async handle(req: IncomingMessage, body: Buffer, operation: string): Promise<Json> {
    let input: Json;
    try {
      input = body.length ? (JSON.parse(body.toString('utf8')) as Json) : {};
    } catch {
      throw new CognitoApiError('SerializationException', 'Request body is not valid JSON');
    }
    const tokenOperation = TOKEN_OPERATIONS.has(operation) ? this.tokenOperations[operation] : undefined;
    if (tokenOperation) return tokenOperation(input);
    if (PUBLIC_OPERATIONS.has(operation)) {
      return operation === 'InitiateAuth' ? this.initiateAuth(input) : this.respondToAuthChallenge(input);
    }
    const tokenAuthenticated = this.mfa.publicOperations[operation];
    if (tokenAuthenticated) return tokenAuthenticated(input);
    const handler = this.adminOperations[operation] ?? this.mfa.adminOperations((i) => this.user(i))[operation];
    if (!handler) throw new CognitoApiError('UnknownOperationException', `Unknown operation ${operation}`);
    await this.verifyAdminSignature(req, body);
    if (requireString(input, 'UserPoolId') !== this.state.userPoolId) {
      throw new CognitoApiError('ResourceNotFoundException', `User pool ${String(input.UserPoolId)} does not exist.`);
    }
    return handler(input);
  }

  private async verifyAdminSignature(req: IncomingMessage, body: Buffer): Promise<void> {
    try {
      await verifySigV4(req, body, 'cognito-idp', (id) => this.state.adminKeys.find((k) => k.accessKeyId === id));
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      if (error.reason === 'missing')
        throw new CognitoApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      if (error.reason === 'unknown-key' || error.reason === 'token-mismatch') {
        throw new CognitoApiError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
      }
      throw new CognitoApiError('InvalidSignatureException', error.message);
    }
  }

  private client(clientId: unknown): DemoAppClient {
    const client = typeof clientId === 'string' ? this.state.clients.find((c) => c.clientId === clientId) : undefined;
    if (!client)
      throw new CognitoApiError('ResourceNotFoundException', `User pool client ${String(clientId)} does not exist.`);
    return client;
  }

  private checkSecretHash(client: DemoAppClient, username: string, secretHash: string | undefined): void {
    if (!client.clientSecret) return;
    if (!secretHash) {
      throw new CognitoApiError(
        'NotAuthorizedException',
        `Client ${client.clientId} is configured with secret but SECRET_HASH was not received`,
      );
    }
    const expected = createHmac('sha256', client.clientSecret)
      .update(username + client.clientId)
      .digest();
    const given = Buffer.from(secretHash, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new CognitoApiError('NotAuthorizedException', `Unable to verify secret hash for client ${client.clientId}`);
    }
  }

  private async tokensFor(
    user: PoolUser,
    clientId: string,
    authTime: number,
    withRefresh: boolean,
    origin?: string,
  ): Promise<Json> {
    const ctx = { issuer: this.state.issuer(), clientId, authTime, originJti: origin ?? randomUUID() };
    this.state.revocations.record(user.username, ctx.originJti);
    const result: Json = {
      AccessToken: await issueAccessToken(this.state.keys, user, ctx),
      ExpiresIn: TOKEN_TTL_SECONDS,
      TokenType: 'Bearer',
      IdToken: await issueIdToken(this.state.keys, user, ctx),
    };
    if (withRefresh) {
      const refreshToken = randomBytes(48).toString('base64url');
      this.refreshSessions.set(refreshToken, {
        username: user.username,
        clientId,
        authTime,
        expiresAt: Date.now() + REFRESH_TOKEN_TTL_MS,
        originJti: ctx.originJti,
      });
      result.RefreshToken = refreshToken;
    }
    return result;
  }

  private async initiateAuth(input: Json): Promise<Json> {
    const flow = requireString(input, 'AuthFlow');
    const client = this.client(input.ClientId);
    const params = (input.AuthParameters ?? {}) as Record<string, string>;
    if (flow === 'USER_PASSWORD_AUTH') {
      const username = params.USERNAME;
      const password = params.PASSWORD;
      if (!username) throw new CognitoApiError('InvalidParameterException', 'Missing required parameter USERNAME');
      if (!password) throw new CognitoApiError('InvalidParameterException', 'Missing required parameter PASSWORD');
      this.checkSecretHash(client, username, params.SECRET_HASH);
      const user = this.state.users.resolve(username);
      if (!user) throw new CognitoApiError('UserNotFoundException', 'User does not exist.');
      if (!this.state.users.checkPassword(user, password)) {
        throw new CognitoApiError('NotAuthorizedException', 'Incorrect username or password.');
      }
      if (!user.enabled) throw new CognitoApiError('NotAuthorizedException', 'User is disabled.');
      if (user.status === 'FORCE_CHANGE_PASSWORD') {
        const session = randomBytes(32).toString('base64url');
        this.challengeSessions.set(session, {
          username: user.username,
          clientId: client.clientId,
          expiresAt: Date.now() + 180_000,
        });
        return {
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeParameters: {
            USER_ID_FOR_SRP: user.username,
            requiredAttributes: '[]',
            userAttributes: JSON.stringify({ email: user.email, email_verified: String(user.emailVerified) }),
          },
        };
      }
      const mfaChallenge = this.mfa.challengeAfterPassword(user, client.clientId);
      if (mfaChallenge) return mfaChallenge;
      return {
        AuthenticationResult: await this.tokensFor(user, client.clientId, Math.floor(Date.now() / 1000), true),
        ChallengeParameters: {},
      };
    }
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
      const token = params.REFRESH_TOKEN;
      if (!token) throw new CognitoApiError('InvalidParameterException', 'Missing required parameter REFRESH_TOKEN');
      const session = this.refreshSessions.get(token);
      if (!session || session.expiresAt < Date.now() || session.clientId !== client.clientId) {
        throw new CognitoApiError('NotAuthorizedException', 'Invalid Refresh Token');
      }
      if (this.state.revocations.isRevoked(session.originJti)) {
        throw new CognitoApiError('NotAuthorizedException', 'Refresh Token has been revoked');
      }
      const user = this.state.users.get(session.username);
      if (!user) throw new CognitoApiError('NotAuthorizedException', 'Invalid Refresh Token');
      if (!user.enabled) throw new CognitoApiError('NotAuthorizedException', 'User is disabled.');
      // Cognito computes the refresh SECRET_HASH over the username or the sub.
      if (client.clientSecret) {
        const candidate = params.USERNAME ?? user.username;
        this.checkSecretHash(client, candidate === user.sub ? user.sub : user.username, params.SECRET_HASH);
      }
      return {
        AuthenticationResult: await this.tokensFor(user, client.clientId, session.authTime, false, session.originJti),
        ChallengeParameters: {},
      };
    }
    if (['USER_SRP_AUTH', 'CUSTOM_AUTH', 'USER_AUTH'].includes(flow)) {
      throw new CognitoApiError('InvalidParameterException', `${flow} flow not enabled for this client`);
    }
    throw new CognitoApiError(
      'InvalidParameterException',
      `1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set`,
    );
  }

  private async respondToAuthChallenge(input: Json): Promise<Json> {
    const client = this.client(input.ClientId);
    const challengeName = requireString(input, 'ChallengeName');
    if (challengeName === 'SOFTWARE_TOKEN_MFA' || challengeName === 'MFA_SETUP') {
      const user = this.mfa.respond(input, client.clientId, (u, hash) =>
        this.checkSecretHash(client, u.username, hash),
      );
      return {
        AuthenticationResult: await this.tokensFor(user, client.clientId, Math.floor(Date.now() / 1000), true),
        ChallengeParameters: {},
      };
    }
    if (challengeName !== 'NEW_PASSWORD_REQUIRED') {
      throw new CognitoApiError('InvalidParameterException', `${challengeName} is not supported by the stand-in`);
    }
    const session = this.challengeSessions.get(requireString(input, 'Session'));
    if (!session || session.expiresAt < Date.now() || session.clientId !== client.clientId) {
      throw new CognitoApiError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    }
    const responses = (input.ChallengeResponses ?? {}) as Record<string, string>;
    const user = this.state.users.get(session.username);
    if (!user) throw new CognitoApiError('UserNotFoundException', 'User does not exist.');
    this.checkSecretHash(client, user.username, responses.SECRET_HASH);
    const newPassword = responses.NEW_PASSWORD;
    if (!newPassword) throw new CognitoApiError('InvalidParameterException', 'Missing required parameter NEW_PASSWORD');
    assertPasswordPolicy(newPassword);
    this.state.users.setPassword(user, newPassword, true);
    this.challengeSessions.delete(String(input.Session));
    const mfaChallenge = this.mfa.challengeAfterPassword(user, client.clientId);
    if (mfaChallenge) return mfaChallenge;
    return {
      AuthenticationResult: await this.tokensFor(user, client.clientId, Math.floor(Date.now() / 1000), true),
      ChallengeParameters: {},
    };
  }

  private user(input: Json): PoolUser {
    const username = requireString(input, 'Username');
    const user = this.state.users.resolve(username);
    if (!user) throw new CognitoApiError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  private group(name: unknown) {
    const group = typeof name === 'string' ? this.state.users.groups.get(name) : undefined;
    if (!group) throw new CognitoApiError('ResourceNotFoundException', 'Group not found.');
    return group;
  }

  private describeGroup(group: { name: string; description?: string; createdAt: Date }): Json {
    return {
      GroupName: group.name,
      UserPoolId: this.state.userPoolId,
      Description: group.description,
      CreationDate: epochSeconds(group.createdAt),
      LastModifiedDate: epochSeconds(group.createdAt),
    };
  }

  private readonly adminOperations: Record<string, (input: Json) => Json | Promise<Json>> = {
    AdminCreateUser: (input) => {
      const username = requireString(input, 'Username');
      assertUsername(username);
      const attributes = Object.fromEntries(
        ((input.UserAttributes ?? []) as Array<{ Name: string; Value: string }>).map((a) => [a.Name, a.Value]),
      );
      const temporaryPassword =
        typeof input.TemporaryPassword === 'string'
          ? input.TemporaryPassword
          : `Tmp-${randomBytes(9).toString('base64url')}1a!`;
      assertPasswordPolicy(temporaryPassword);
      const { email, email_verified: _verified, sub: _sub, ...rest } = attributes;
      const user = this.state.users.create({
        username,
        password: temporaryPassword,
        email,
        attributes: rest,
        status: 'FORCE_CHANGE_PASSWORD',
      });
      return { User: describeUser(user, 'Attributes') };
    },
    AdminSetUserPassword: (input) => {
      const user = this.user(input);
      const password = requireString(input, 'Password');
      assertPasswordPolicy(password);
      this.state.users.setPassword(user, password, input.Permanent === true);
      return {};
    },
    AdminAddUserToGroup: (input) => {
      const user = this.user(input);
      user.groups.add(this.group(input.GroupName).name);
      user.updatedAt = new Date();
      return {};
    },
    AdminRemoveUserFromGroup: (input) => {
      const user = this.user(input);
      user.groups.delete(this.group(input.GroupName).name);
      user.updatedAt = new Date();
      return {};
    },
    AdminListGroupsForUser: (input) => {
      const user = this.user(input);
      const limit = typeof input.Limit === 'number' ? input.Limit : 60;
      if (limit < 1 || limit > 60)
        throw new CognitoApiError(
          'InvalidParameterException',
          "Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
        );
      const names = [...user.groups].sort();
      const start =
        typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64url').toString()) || 0 : 0;
      const page = names.slice(start, start + limit);
      const next = start + limit < names.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
      return { Groups: page.map((n) => this.describeGroup(this.group(n))), NextToken: next };
    },
    AdminGetUser: (input) => ({
      ...describeUser(this.user(input), 'UserAttributes'),
      ...this.mfa.describe(this.user(input)),
    }),
    AdminDeleteUser: (input) => {
      this.mfa.forget(this.user(input));
      this.state.users.delete(this.user(input).username);
      return {};
    },
    AdminDisableUser: (input) => {
      const user = this.user(input);
      user.enabled = false;
      // "Deactivates a user and revokes all access tokens for the user" (and, conservatively, its refresh tokens).
      this.state.revocations.revokeUser(user.username);
      return {};
    },
    AdminUserGlobalSignOut: (input) => adminUserGlobalSignOut(this.state, this.user(input)),
    AdminEnableUser: (input) => {
      this.user(input).enabled = true;
      return {};
    },
    ListUsers: (input) => {
      const limit = input.Limit === undefined ? 60 : input.Limit;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > 60) {
        throw new CognitoApiError(
          'InvalidParameterException',
          "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
        );
      }
      const filter = parseListFilter(typeof input.Filter === 'string' ? input.Filter : undefined);
      const token = typeof input.PaginationToken === 'string' ? input.PaginationToken : undefined;
      const page = this.state.users.list(filter, limit === 0 ? 60 : limit, token);
      const wanted = Array.isArray(input.AttributesToGet) ? new Set(input.AttributesToGet as string[]) : undefined;
      return {
        Users: page.users.map((u) => {
          const described = describeUser(u, 'Attributes');
          if (wanted) described.Attributes = userAttributes(u).filter((a) => wanted.has(a.Name));
          return described;
        }),
        PaginationToken: page.paginationToken,
      };
    },
    CreateGroup: (input) => {
      const name = requireString(input, 'GroupName');
      if (this.state.users.groups.has(name))
        throw new CognitoApiError('GroupExistsException', 'A group with the name already exists.');
      this.state.users.addGroup(name, typeof input.Description === 'string' ? input.Description : undefined);
      return { Group: this.describeGroup(this.group(name)) };
    },
    GetGroup: (input) => ({ Group: this.describeGroup(this.group(input.GroupName)) }),
    ListGroups: () => ({ Groups: [...this.state.users.groups.values()].map((g) => this.describeGroup(g)) }),
    ...machineClientOperations(() => this.state),
  };
}
