/** Who is signed in: the same shape for both sign-in modes and for API callers. */
export interface SessionUser {
  /** Cognito username. */
  username: string;
  /** `cognito:groups`. */
  groups: string[];
  email?: string;
  /** The sign-in passed MFA (lib/auth/mfa.ts); undefined when the portal cannot know (hosted UI without `amr`). */
  mfa?: boolean;
}
