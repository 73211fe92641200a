/** Who is signed in: the same shape for both sign-in modes and for API callers. */
export interface SessionUser {
  /** Cognito username. */
  username: string;
  /** `cognito:groups`. */
  groups: string[];
  email?: string;
  /** The user pool's immutable `sub` (issue 23: access is bound to it, not to the reusable username). */
  sub?: string;
  /** The sign-in passed MFA (lib/auth/mfa.ts); undefined when the portal cannot know (hosted UI without `amr`). */
  mfa?: boolean;
}
