import { z } from 'zod';
import { freeText } from '@/lib/free-text';

import { PROFILE_NAME_PATTERN, STUDIO_APPS, type StudioApp } from '@/lib/names';
import { DEFAULT_ROLE_NAME, MAX_EMERGENCY_HOURS, MAX_REQUEST_EXPIRY_DAYS } from '@/lib/directory/types';

export { STUDIO_APPS, type StudioApp, DEFAULT_ROLE_NAME };

/** Usernames follow the Studio user-profile rule: the profile is named after the user. */
export const USERNAME_PATTERN = PROFILE_NAME_PATTERN;
/** LOB keys: lowercase so they read the same in URLs, CSV files and IdP group names. */
export const LOB_NAME_PATTERN = /^[a-z0-9](-*[a-z0-9]){0,62}$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const DOMAIN_ID_PATTERN = /^d-(-*[a-z0-9]){1,61}$/;
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

export const APP_LABELS: Record<StudioApp, string> = {
  studio: 'Studio',
  jupyterlab: 'JupyterLab',
  codeeditor: 'Code Editor',
};

export const usernameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a username.')
  .regex(USERNAME_PATTERN, 'Use 1-63 letters, digits and hyphens, starting and ending with a letter or digit.');

export const lobNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a name.')
  .regex(
    LOB_NAME_PATTERN,
    'Use 1-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit.',
  );

/** Durations a LOB may allow for access requests (its maximum), in days. */
export const REQUEST_DAY_CHOICES = [7, 30, 90, 180, 365] as const;

export const versionSchema = z.coerce.number().int().min(0, 'Missing version; reload the page.');

/** "Stop apps after (hours)": whole hours, 1 to 720 (30 days), or empty for no limit. */
const stopAfterHoursSchema = z.coerce
  .number({ error: 'Enter a whole number of hours, or leave it empty for no limit.' })
  .int('Use whole hours.')
  .min(1, 'At least 1 hour.')
  .max(720, 'At most 720 hours (30 days).')
  .optional();

/** An IdP group name as Cognito allows it (1-128 letters, marks, symbols, digits, punctuation); empty = none. */
const emergencyGroupSchema = z
  .string()
  .trim()
  .max(128, 'Emergency access group: group names have at most 128 characters.')
  .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]*$/u, 'Emergency access group: a group name has no spaces or control characters.')
  .transform((v) => v || undefined)
  .pipe(z.string().optional())
  .optional();

const emergencyHoursSchema = z.coerce
  .number({ error: 'Emergency access duration: enter a whole number of hours.' })
  .int('Emergency access duration: use whole hours.')
  .min(1, 'Emergency access duration: at least 1 hour.')
  .max(MAX_EMERGENCY_HOURS, `Emergency access duration: at most ${MAX_EMERGENCY_HOURS} hours.`)
  .optional();

/** The editable fields of a LOB, already typed (forms are parsed into this by lob-form.ts). */
export const lobInputSchema = z
  .object({
    lob: lobNameSchema,
    displayName: freeText('Display name').min(1, 'Enter a display name.').max(100, 'Use at most 100 characters.'),
    accountId: z.string().trim().regex(ACCOUNT_ID_PATTERN, 'An AWS account id is exactly 12 digits.'),
    domainId: z
      .string()
      .trim()
      .regex(DOMAIN_ID_PATTERN, 'A SageMaker domain id looks like d-xxxxxxxxxxxx (lowercase letters and digits).'),
    region: z.string().trim().regex(REGION_PATTERN, 'Enter an AWS region such as us-east-1.'),
    roleName: z
      .string()
      .trim()
      .transform((v) => v || DEFAULT_ROLE_NAME)
      .pipe(z.string().regex(ROLE_NAME_PATTERN, 'Role names have at most 64 letters, digits and + = , . @ _ -.')),
    groups: z
      .array(z.string().trim().min(1).max(128, 'Group names have at most 128 characters.'))
      .max(50, 'At most 50 groups.'),
    defaultApp: z.enum(STUDIO_APPS, { error: 'Choose a landing app.' }),
    allowedApps: z.array(z.enum(STUDIO_APPS)).min(1, 'Allow at least one app.'),
    sessionDurationSeconds: z.coerce
      .number({ error: 'Enter a number of seconds.' })
      .int('Use whole seconds.')
      .min(1800, 'At least 1800 seconds (30 minutes).')
      .max(43200, 'At most 43200 seconds (12 hours).'),
    urlExpiresSeconds: z.coerce
      .number({ error: 'Enter a number of seconds.' })
      .int('Use whole seconds.')
      .min(5, 'At least 5 seconds.')
      .max(300, 'At most 300 seconds.')
      .optional(),
    autoCreateProfile: z.boolean(),
    enabled: z.boolean(),
    owners: z.object({
      users: z.array(usernameSchema).max(50, 'At most 50 owners.'),
      groups: z
        .array(z.string().trim().min(1).max(128, 'Group names have at most 128 characters.'))
        .max(20, 'At most 20 owner groups.'),
    }),
    acceptsRequests: z.boolean(),
    requestDescription: freeText('Request description').max(300, 'Use at most 300 characters.').optional(),
    maxRequestDays: z.coerce
      .number({ error: 'Choose the longest duration.' })
      .int('Use whole days.')
      .refine(
        (d) => (REQUEST_DAY_CHOICES as readonly number[]).includes(d),
        `Choose one of ${REQUEST_DAY_CHOICES.join(', ')} days.`,
      ),
    // Cost control (lib/cost/sweep.ts): empty = no limit.
    stopAfterHours: stopAfterHoursSchema,
    stopAfterHoursGpu: stopAfterHoursSchema,
    // Emergency access (lib/access/emergency.ts): empty group = the LOB does not allow it.
    emergencyGroup: emergencyGroupSchema,
    emergencyHours: emergencyHoursSchema,
    approvalsRequired: z.coerce
      .number({ error: 'Choose 1 or 2 approvals.' })
      .pipe(z.union([z.literal(1), z.literal(2)], { error: 'Approvals required: choose 1 or 2.' }))
      .optional(),
    // Pending requests lapse after this many days (lib/admin/request-lapse.ts); empty = DEFAULT_REQUEST_EXPIRY_DAYS.
    requestExpiryDays: z.coerce
      .number({ error: 'Requests expire after (days): enter a number of days.' })
      .int('Requests expire after (days): use whole days.')
      .min(1, 'Requests expire after (days): at least 1 day.')
      .max(MAX_REQUEST_EXPIRY_DAYS, `Requests expire after (days): at most ${MAX_REQUEST_EXPIRY_DAYS} days.`)
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.allowedApps.includes(v.defaultApp)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultApp'],
        message: 'The default app must be one of the allowed apps.',
      });
    }
  });

export type LobInput = z.infer<typeof lobInputSchema>;

/** First message per field, the shape forms show next to each input. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_form';
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}
