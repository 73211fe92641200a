/** Who is signed in: the same shape for both sign-in modes and for API callers. */
export interface SessionUser {
  /** Cognito username. */
  username: string;
  /** `cognito:groups`. */
  groups: string[];
  email?: string;
}

export function isAdmin(user: Pick<SessionUser, 'groups'> | null | undefined, adminGroup: string): boolean {
  return !!user && user.groups.includes(adminGroup);
}
