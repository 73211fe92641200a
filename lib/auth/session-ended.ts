/** Why a portal session was ended for the user (the sign-in page's `?error=` and what it says). */
export const SESSION_ENDED_ERRORS = {
  disabled: 'AccountDisabled',
  deleted: 'AccountDeleted',
  ended: 'SessionEnded',
  active: '',
} as const;

/** The sign-in page's message for each ended-session error. */
export const SESSION_ENDED_MESSAGES: Record<string, string> = {
  AccountDisabled: 'You were signed out because your account is disabled in the user pool.',
  AccountDeleted: 'You were signed out because your account no longer exists in the user pool.',
  SessionEnded: 'Your session has ended. Sign in again to continue.',
};
