// The portal's Cognito user pool: the pool, the admin group, the hosted-UI domain (hosted-ui mode) and the
// two app clients (the portal's own, with a secret; the scripts' public one).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { PortalArgs } from './portal-args';
import { createApiResourceServer } from './portal-api-access';

export interface PortalUserPool {
  userPool: aws.cognito.UserPool;
  adminGroup: aws.cognito.UserGroup;
  hostedUiDomain?: aws.cognito.UserPoolDomain;
  webClient: aws.cognito.UserPoolClient;
  cliClient: aws.cognito.UserPoolClient;
  /** the pool's OIDC issuer URL */
  issuer: pulumi.Output<string>;
  /** /api/v1's scopes for machine clients (infra/portal-api-access.ts) */
  apiResourceServer: aws.cognito.ResourceServer;
}

/** MFA is required on production stages (and where the stage config asks for it): pool MFA ON, console demands it. */
export function mfaRequired(args: Pick<PortalArgs, 'config' | 'production'>): boolean {
  return args.production || args.config.portal.mfa === 'required';
}

/** `url` is the portal's public URL: the hosted UI's callback and sign-out targets. */
export function createPortalUserPool(
  args: PortalArgs,
  url: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): PortalUserPool {
  const { name, config, production } = args;
  const { region, portal } = config;

  const userPool = new aws.cognito.UserPool(
    `${name}-users`,
    {
      name: `${name}-users`,
      // Accounts are created by admins (or federated in hosted-ui mode): no self sign-up.
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      passwordPolicy: {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 3,
      },
      // TOTP (software token) only: no SMS or email configuration, so no other factor can be chosen.
      mfaConfiguration: mfaRequired(args) ? 'ON' : 'OPTIONAL',
      softwareTokenMfaConfiguration: { enabled: true },
      usernameConfiguration: { caseSensitive: false },
      deletionProtection: production ? 'ACTIVE' : 'INACTIVE',
      // Threat protection (compromised credentials, adaptive authentication): a stage setting, ENFORCED in production.
      ...(portal.threatProtection === 'OFF'
        ? {}
        : { userPoolTier: 'PLUS', userPoolAddOns: { advancedSecurityMode: portal.threatProtection } }),
      tags: args.tags,
    },
    opts,
  );
  const adminGroup = new aws.cognito.UserGroup(
    `${name}-admins`,
    { userPoolId: userPool.id, name: portal.adminGroup, description: 'Studio Portal administrators' },
    opts,
  );

  const hostedUi = portal.authMode === 'hosted-ui';
  const hostedUiDomain = hostedUi
    ? new aws.cognito.UserPoolDomain(
        `${name}-hosted-ui`,
        { userPoolId: userPool.id, domain: portal.hostedUiDomainPrefix! },
        opts,
      )
    : undefined;

  // Both clients sign in with a password (and refresh), and never tell whether a user exists.
  const passwordClient = {
    userPoolId: userPool.id,
    explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    preventUserExistenceErrors: 'ENABLED',
  };
  const webClient = new aws.cognito.UserPoolClient(
    `${name}-web`,
    {
      name: 'portal-web',
      ...passwordClient,
      generateSecret: true,
      enableTokenRevocation: true,
      ...(hostedUi
        ? {
            allowedOauthFlowsUserPoolClient: true,
            allowedOauthFlows: ['code'],
            allowedOauthScopes: ['openid', 'email', 'profile'],
            supportedIdentityProviders: ['COGNITO'],
            callbackUrls: [pulumi.interpolate`${url}/api/auth/callback/cognito`],
            // Where Cognito's /logout returns the browser after ending the hosted-UI session.
            logoutUrls: [pulumi.interpolate`${url}/signin?signedOut=1`],
          }
        : {}),
    },
    opts,
  );
  // Scripts get access tokens for GET /api/studio/{user} with this public client (USER_PASSWORD_AUTH).
  const cliClient = new aws.cognito.UserPoolClient(
    `${name}-cli`,
    {
      name: 'portal-cli',
      ...passwordClient,
      generateSecret: false,
      accessTokenValidity: 60,
      tokenValidityUnits: { accessToken: 'minutes' },
    },
    opts,
  );
  const issuer = pulumi.interpolate`https://cognito-idp.${region}.amazonaws.com/${userPool.id}`;
  const apiResourceServer = createApiResourceServer(name, userPool.id, opts);
  return { userPool, adminGroup, hostedUiDomain, webClient, cliClient, issuer, apiResourceServer };
}
