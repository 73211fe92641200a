import type { StudioApp } from '@/lib/config';
import type { SessionUser } from '@/lib/auth/types';
import type { GeneratorSession } from '@/lib/aws/generator-sessions';
import type { LaunchChannel, Lob } from '@/lib/directory/types';

export interface LaunchRequest {
  /** Identity from the session or a verified access token, never from user input. */
  user: SessionUser;
  channel: LaunchChannel;
  requestId: string;
  /** The LOB the user picked; required only for users in several LOBs. */
  lob?: string;
  app?: StudioApp;
  space?: string;
  /** How long to wait for a just-created profile (default PROFILE_READY_TIMEOUT_SECONDS); the portal form waits briefly and polls. */
  profileWaitMs?: number;
}

export interface LaunchResult {
  /** The presigned Studio URL: a bearer credential, never log it. */
  url: string;
  expiresAt: string;
  lob: string;
  accountId: string;
  domainId: string;
  app: StudioApp;
}

export interface PresignRequest {
  lob: Lob;
  userProfileName: string;
  app: StudioApp;
  space?: string;
  expiresSeconds: number;
  profileWaitMs?: number;
  /** The signed-in user pool `sub`: a just-in-time profile is tagged with it (PROFILE_SUB_TAG, issue 23). */
  userSub?: string;
  /** Awaited before a just-in-time CreateUserProfile (the launch confirms a cached LOB row first); throws to stop it. */
  beforeCreateProfile?: () => Promise<void>;
}

/** Creates presigned Studio URLs in a LOB's account (creating the profile just in time where allowed). */
export interface Presigner {
  /** The user's generator session in the LOB's account: cached, or AssumeRole with SourceIdentity and tags. */
  openSession(lob: Lob, username: string): Promise<GeneratorSession>;
  createUrl(request: PresignRequest, session: GeneratorSession): Promise<string>;
}
