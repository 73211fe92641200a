'use client';

import { useActionState, type ReactNode } from 'react';
import { createLobAction, updateLobAction, type LobFormState } from './actions/lobs';
import type { LobFormValues } from '@/lib/admin/lob-form';
import { APP_LABELS, REQUEST_DAY_CHOICES, STUDIO_APPS } from '@/lib/admin/validation';
import { Button } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { dayOptions, type Option } from '@/components/ui/options';
import { CheckboxField, describedBy, FieldError, linkClass, SelectField, StatusMessage, TextField } from './form-parts';
import type { InputProps } from './form-parts';

type TextSpec = { label: string; hint?: string } & InputProps;

/** The form's text inputs: label, hint and input attributes (the value and the error come from the form's state). */
const TEXT_FIELDS = {
  lob: {
    label: 'Name',
    hint: 'Lowercase letters, digits and hyphens, e.g. lob-a. Cannot change later.',
    required: true,
    autoComplete: 'off',
  },
  displayName: { label: 'Display name', required: true },
  accountId: { label: 'AWS account id', hint: '12 digits.', inputMode: 'numeric', required: true },
  region: { label: 'Region', hint: 'e.g. us-east-1.', required: true },
  domainId: { label: 'Studio domain id', hint: 'd-… from the SageMaker console.', required: true },
  roleName: { label: 'Generator role name', hint: 'Default PresignedUrlGenerator.' },
  groups: {
    label: 'IdP groups',
    hint: 'Members of these groups belong to this LOB when they have no explicit mapping. Separate with commas.',
  },
  sessionDurationSeconds: {
    label: 'Studio session length (seconds)',
    hint: '1800-43200; 7200 = 2 hours. How long a Studio session lasts once opened.',
    type: 'number',
    min: 1800,
    max: 43200,
    required: true,
  },
  urlExpiresSeconds: {
    label: 'Presigned URL expiry (seconds)',
    hint: '5-300; empty uses the portal default.',
    type: 'number',
    min: 5,
    max: 300,
  },
  ownerUsers: {
    label: 'Owner usernames',
    hint: "Owners manage this LOB's members and requests. Separate with commas.",
    autoComplete: 'off',
  },
  ownerGroups: {
    label: 'Owner IdP groups',
    hint: 'Members of these groups are owners too, e.g. lob-a-owners.',
    autoComplete: 'off',
  },
  requestDescription: {
    label: 'Who should ask',
    hint: 'Shown to users beside Request access; at most 300 characters.',
  },
  stopAfterHours: {
    label: 'Stop apps after (hours)',
    hint: 'Apps running longer are stopped; users are warned 30 minutes before. Empty: no limit.',
    inputMode: 'numeric',
  },
  stopAfterHoursGpu: {
    label: 'Stop GPU apps after (hours)',
    hint: 'For GPU instance types (ml.g*, ml.p*); empty: the limit above.',
    inputMode: 'numeric',
  },
  requestExpiryDays: {
    label: 'Requests expire after (days)',
    hint: 'A request nobody decides within this many days expires; the requester is told and may ask again. A change applies to requests filed after it.',
    inputMode: 'numeric',
  },
  emergencyGroup: {
    label: 'Emergency access group',
    hint: 'Members of this IdP group (e.g. lob-a-oncall) may take access at once, without approval; owners confirm or reject it afterwards. Empty: not allowed.',
    autoComplete: 'off',
  },
  emergencyHours: {
    label: 'Emergency access duration (hours)',
    hint: 'How long emergency access lasts: 1 to 12 hours.',
    inputMode: 'numeric',
  },
} satisfies Partial<Record<keyof LobFormValues, TextSpec>>;
type TextName = keyof typeof TEXT_FIELDS;

const APP_OPTIONS = STUDIO_APPS.map((app) => ({ value: app, label: APP_LABELS[app] }));

/** The form's selects. */
const SELECT_FIELDS = {
  defaultApp: { label: 'Default landing app', options: APP_OPTIONS },
  maxRequestDays: { label: 'Longest access a request may ask for', options: dayOptions(REQUEST_DAY_CHOICES) },
  approvalsRequired: {
    label: 'Approvals required',
    hint: '2: a request needs two different approvers (owners or platform admins), neither the requester.',
    options: ['1', '2'],
  },
} satisfies Partial<Record<keyof LobFormValues, { label: string; hint?: string; options: Option[] }>>;

/** Create or edit a LOB. Edits carry the version they started from; a refused save keeps what was typed. */
export function LobForm({ mode, initial }: { mode: 'create' | 'edit'; initial: LobFormValues }) {
  const [state, formAction, pending] = useActionState<LobFormState, FormData>(
    mode === 'create' ? createLobAction : updateLobAction,
    { values: initial },
  );
  const v = state.values;
  const e = state.fieldErrors ?? {};
  // Remount the fields when the server answers, so they show exactly the values it sent back.
  const formKey = JSON.stringify(v);
  const text = (name: TextName, input?: TextSpec | { readOnly: boolean }) => (
    <TextField key={name} name={name} {...TEXT_FIELDS[name]} {...input} defaultValue={v[name]} error={e[name]} />
  );
  const select = (name: keyof typeof SELECT_FIELDS) => (
    <SelectField key={name} name={name} {...SELECT_FIELDS[name]} defaultValue={v[name]} error={e[name]} />
  );
  return (
    <form action={formAction} noValidate aria-describedby="lob-form-status">
      <StatusMessage id="lob-form-status" ok={state.ok} message={state.message} error={state.error} className="mb-5" />
      {state.conflict ? (
        <p className="mb-5 text-sm text-slate-700" data-testid="conflict-details">
          Changed by <strong>{state.conflict.updatedBy ?? 'unknown'}</strong> at{' '}
          {state.conflict.updatedAt ? <Time iso={state.conflict.updatedAt} /> : 'an unknown time'}.{' '}
          <a className={linkClass} href={`/admin/lobs/${encodeURIComponent(v.lob)}`}>
            Open their version
          </a>
        </p>
      ) : null}
      {e._form ? (
        <div className="mb-5">
          <FieldError name="_form" error={e._form} />
        </div>
      ) : null}
      <div key={formKey} className="space-y-5">
        <input type="hidden" name="version" value={v.version} />
        {text('lob', { readOnly: mode === 'edit' })}
        {text('displayName')}
        <div className="grid gap-5 sm:grid-cols-2">
          {text('accountId')}
          {text('region')}
          {text('domainId')}
          {text('roleName')}
        </div>
        {text('groups')}
        <fieldset {...describedBy('allowedApps', e.allowedApps)}>
          <legend className="text-sm font-semibold text-slate-800">Allowed landing apps</legend>
          <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
            {STUDIO_APPS.map((app) => (
              <CheckboxField
                key={app}
                name="allowedApps"
                value={app}
                defaultChecked={v.allowedApps.includes(app)}
                label={APP_LABELS[app]}
              />
            ))}
          </div>
          <FieldError name="allowedApps" error={e.allowedApps} />
        </fieldset>
        {select('defaultApp')}
        <div className="grid gap-5 sm:grid-cols-2">
          {text('sessionDurationSeconds')}
          {text('urlExpiresSeconds')}
        </div>
        <fieldset className="space-y-5 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-semibold text-slate-800">Owners and access requests</legend>
          {text('ownerUsers')}
          {text('ownerGroups')}
          <CheckboxField name="acceptsRequests" defaultChecked={v.acceptsRequests} label="Accepts access requests" />
          {text('requestDescription')}
          {select('maxRequestDays')}
          {select('approvalsRequired')}
          {text('requestExpiryDays')}
        </fieldset>
        <SettingFields legend="Running time" names={['stopAfterHours', 'stopAfterHoursGpu']} text={text} />
        <SettingFields legend="Emergency access" names={['emergencyGroup', 'emergencyHours']} text={text} />
        <div className="flex flex-col gap-3">
          <CheckboxField
            name="autoCreateProfile"
            defaultChecked={v.autoCreateProfile}
            label="Create a Studio user profile on first launch"
          />
          {mode === 'create' ? (
            <p
              className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700"
              data-testid="starts-disabled"
            >
              A new line of business starts <strong>disabled</strong>: users are not offered it until you test its
              connection and enable it on the next page.
            </p>
          ) : (
            <div>
              <CheckboxField
                name="enabled"
                defaultChecked={v.enabled}
                label="Enabled (users can launch Studio; enabling runs the connection test first)"
                {...describedBy('enabled', e.enabled)}
              />
              <FieldError name="enabled" error={e.enabled} />
            </div>
          )}
        </div>
      </div>
      <Button type="submit" disabled={pending} className="mt-6">
        {pending ? 'Saving…' : mode === 'create' ? 'Create line of business' : 'Save changes'}
      </Button>
    </form>
  );
}

/** A fieldset of text settings (cost limits, emergency access), each with its label, hint and error. */
function SettingFields({
  legend,
  names,
  text,
}: {
  legend: string;
  names: TextName[];
  text: (name: TextName) => ReactNode;
}) {
  return (
    <fieldset className="space-y-5 rounded-md border border-slate-200 p-4">
      <legend className="px-1 text-sm font-semibold text-slate-800">{legend}</legend>
      {names.map((name) => text(name))}
    </fieldset>
  );
}
