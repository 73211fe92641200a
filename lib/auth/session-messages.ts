/** The sign-in page's message for each ended-session error (lib/auth/session-ended.ts). */
export const SESSION_ENDED_MESSAGES: Record<string, string> = {
  AccountDisabled: 'You were signed out because your account is disabled in the user pool.',
  AccountDeleted: 'You were signed out because your account no longer exists in the user pool.',
  SessionEnded: 'Your session has ended. Sign in again to continue.',
};
