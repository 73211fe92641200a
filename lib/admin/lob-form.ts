import { lobInputSchema, fieldErrorsOf, type LobInput, STUDIO_APPS, DEFAULT_ROLE_NAME } from './validation';
import type { AdminLob } from './lobs';
import { pick } from '@/lib/pick';
import { DEFAULT_EMERGENCY_HOURS } from '@/lib/directory/types';
import { DEFAULT_REQUEST_EXPIRY_DAYS } from '@/lib/directory/types';

/**
 * What the LOB form shows: strings as typed, so a refused save refills exactly what the admin entered.
 * The LOB's text fields are the domain's own (lib/directory/types.ts).
 */
export interface LobFormValues extends Pick<
  AdminLob,
  'lob' | 'displayName' | 'accountId' | 'domainId' | 'region' | 'roleName'
> {
  groups: string;
  defaultApp: string;
  allowedApps: string[];
  sessionDurationSeconds: string;
  urlExpiresSeconds: string;
  autoCreateProfile: boolean;
  enabled: boolean;
  ownerUsers: string;
  ownerGroups: string;
  acceptsRequests: boolean;
  requestDescription: string;
  maxRequestDays: string;
  approvalsRequired: string;
  /** Pending requests lapse after this many days. */
  requestExpiryDays: string;
  version: string;
  /** Cost control: hours, '' = no limit. */
  stopAfterHours: string;
  stopAfterHoursGpu: string;
  /** Emergency access: the IdP group ('' = not allowed) and the grant's hours. */
  emergencyGroup: string;
  emergencyHours: string;
}

export function emptyLobFormValues(region: string): LobFormValues {
  return {
    lob: '',
    displayName: '',
    accountId: '',
    domainId: '',
    region,
    roleName: DEFAULT_ROLE_NAME,
    groups: '',
    defaultApp: 'studio',
    allowedApps: [...STUDIO_APPS],
    sessionDurationSeconds: '7200',
    urlExpiresSeconds: '',
    autoCreateProfile: false,
    enabled: false,
    ownerUsers: '',
    ownerGroups: '',
    acceptsRequests: false,
    requestDescription: '',
    maxRequestDays: '90',
    approvalsRequired: '1',
    requestExpiryDays: String(DEFAULT_REQUEST_EXPIRY_DAYS),
    version: '0',
    stopAfterHours: '',
    stopAfterHoursGpu: '',
    emergencyGroup: '',
    emergencyHours: String(DEFAULT_EMERGENCY_HOURS),
  };
}

export function lobToFormValues(lob: AdminLob): LobFormValues {
  return {
    ...pick(lob, ['lob', 'displayName', 'accountId', 'domainId', 'region', 'roleName', 'defaultApp']),
    groups: lob.groups.join(', '),
    allowedApps: [...lob.allowedApps],
    sessionDurationSeconds: String(lob.sessionDurationSeconds),
    urlExpiresSeconds: lob.urlExpiresSeconds === undefined ? '' : String(lob.urlExpiresSeconds),
    autoCreateProfile: lob.autoCreateProfile,
    enabled: lob.enabled,
    ownerUsers: lob.owners.users.join(', '),
    ownerGroups: lob.owners.groups.join(', '),
    acceptsRequests: lob.acceptsRequests,
    requestDescription: lob.requestDescription ?? '',
    maxRequestDays: String(lob.maxRequestDays),
    approvalsRequired: String(lob.approvalsRequired ?? 1),
    version: String(lob.version),
    requestExpiryDays: String(lob.requestExpiryDays ?? DEFAULT_REQUEST_EXPIRY_DAYS),
    stopAfterHours: lob.stopAfterHours === undefined ? '' : String(lob.stopAfterHours),
    stopAfterHoursGpu: lob.stopAfterHoursGpu === undefined ? '' : String(lob.stopAfterHoursGpu),
    emergencyGroup: lob.emergencyGroup ?? '',
    emergencyHours: String(lob.emergencyHours ?? DEFAULT_EMERGENCY_HOURS),
  };
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

export function readLobForm(form: FormData): LobFormValues {
  return {
    lob: text(form, 'lob'),
    displayName: text(form, 'displayName'),
    accountId: text(form, 'accountId'),
    domainId: text(form, 'domainId'),
    region: text(form, 'region'),
    roleName: text(form, 'roleName'),
    groups: text(form, 'groups'),
    defaultApp: text(form, 'defaultApp'),
    allowedApps: form.getAll('allowedApps').filter((v): v is string => typeof v === 'string'),
    sessionDurationSeconds: text(form, 'sessionDurationSeconds'),
    urlExpiresSeconds: text(form, 'urlExpiresSeconds'),
    autoCreateProfile: form.get('autoCreateProfile') === 'on',
    enabled: form.get('enabled') === 'on',
    ownerUsers: text(form, 'ownerUsers'),
    ownerGroups: text(form, 'ownerGroups'),
    acceptsRequests: form.get('acceptsRequests') === 'on',
    requestDescription: text(form, 'requestDescription'),
    maxRequestDays: text(form, 'maxRequestDays'),
    approvalsRequired: text(form, 'approvalsRequired') || '1',
    requestExpiryDays: text(form, 'requestExpiryDays'),
    version: text(form, 'version'),
    stopAfterHours: text(form, 'stopAfterHours'),
    stopAfterHoursGpu: text(form, 'stopAfterHoursGpu'),
    emergencyGroup: text(form, 'emergencyGroup'),
    emergencyHours: text(form, 'emergencyHours'),
  };
}

export type LobFormParse = { success: true; input: LobInput } | { success: false; fieldErrors: Record<string, string> };

/** Form strings -> a validated LobInput, or one message per field. */
export function parseLobFormValues(values: LobFormValues): LobFormParse {
  const list = (v: string) =>
    v
      .split(/[,\n]/)
      .map((g) => g.trim())
      .filter(Boolean);
  const { ownerUsers, ownerGroups, ...rest } = values;
  const result = lobInputSchema.safeParse({
    ...rest,
    groups: list(values.groups),
    owners: { users: list(ownerUsers), groups: list(ownerGroups) },
    requestDescription: values.requestDescription.trim() || undefined,
    sessionDurationSeconds: values.sessionDurationSeconds.trim() === '' ? undefined : values.sessionDurationSeconds,
    urlExpiresSeconds: values.urlExpiresSeconds.trim() === '' ? undefined : values.urlExpiresSeconds,
    stopAfterHours: values.stopAfterHours.trim() === '' ? undefined : values.stopAfterHours,
    requestExpiryDays: values.requestExpiryDays.trim() === '' ? undefined : values.requestExpiryDays,
    stopAfterHoursGpu: values.stopAfterHoursGpu.trim() === '' ? undefined : values.stopAfterHoursGpu,
    emergencyHours: values.emergencyHours.trim() === '' ? undefined : values.emergencyHours,
  });
  if (result.success) return { success: true, input: result.data };
  const fieldErrors = fieldErrorsOf(result.error);
  // Owner problems are reported on the field that holds them.
  const owners = result.error.issues.find((i) => i.path[0] === 'owners');
  if (owners) {
    delete fieldErrors.owners;
    fieldErrors[owners.path[1] === 'groups' ? 'ownerGroups' : 'ownerUsers'] = owners.message;
  }
  return { success: false, fieldErrors };
}
