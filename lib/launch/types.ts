import type { StudioApp } from '@/lib/config';
import type { SessionUser } from '@/lib/auth/types';
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
}

/** Creates presigned Studio URLs in a LOB's account (creating the profile just in time where allowed). */
export interface Presigner {
  createUrl(request: PresignRequest): Promise<string>;
}
