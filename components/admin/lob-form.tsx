'use client';

import { useActionState } from 'react';
import { createLobAction, updateLobAction, type LobFormState } from './actions/lobs';
import type { LobFormValues } from '@/lib/admin/lob-form';
import { APP_LABELS, REQUEST_DAY_CHOICES, STUDIO_APPS } from '@/lib/admin/validation';
import { Button } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { checkboxClass, describedBy, Field, FieldError, inputClass, linkClass, StatusMessage } from './form-parts';

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
      {e._form ? <div className="mb-5"><FieldError name="_form" error={e._form} /></div> : null}
      <div key={formKey} className="space-y-5">
        <input type="hidden" name="version" value={v.version} />
        <Field name="lob" label="Name" hint="Lowercase letters, digits and hyphens, e.g. lob-a. Cannot change later." error={e.lob}>
          <input
            id="lob" name="lob" className={inputClass} defaultValue={v.lob} readOnly={mode === 'edit'} required
            autoComplete="off" {...describedBy('lob', e.lob, true)}
          />
        </Field>
        <Field name="displayName" label="Display name" error={e.displayName}>
          <input id="displayName" name="displayName" className={inputClass} defaultValue={v.displayName} required {...describedBy('displayName', e.displayName)} />
        </Field>
        <div className="grid gap-5 sm:grid-cols-2">
          <Field name="accountId" label="AWS account id" hint="12 digits." error={e.accountId}>
            <input id="accountId" name="accountId" inputMode="numeric" className={inputClass} defaultValue={v.accountId} required {...describedBy('accountId', e.accountId, true)} />
          </Field>
          <Field name="region" label="Region" hint="e.g. us-east-1." error={e.region}>
            <input id="region" name="region" className={inputClass} defaultValue={v.region} required {...describedBy('region', e.region, true)} />
          </Field>
          <Field name="domainId" label="Studio domain id" hint="d-… from the SageMaker console." error={e.domainId}>
            <input id="domainId" name="domainId" className={inputClass} defaultValue={v.domainId} required {...describedBy('domainId', e.domainId, true)} />
          </Field>
          <Field name="roleName" label="Generator role name" hint="Default PresignedUrlGenerator." error={e.roleName}>
            <input id="roleName" name="roleName" className={inputClass} defaultValue={v.roleName} {...describedBy('roleName', e.roleName, true)} />
          </Field>
        </div>
        <Field name="groups" label="IdP groups" hint="Members of these groups belong to this LOB when they have no explicit mapping. Separate with commas." error={e.groups}>
          <input id="groups" name="groups" className={inputClass} defaultValue={v.groups} {...describedBy('groups', e.groups, true)} />
        </Field>
        <fieldset {...describedBy('allowedApps', e.allowedApps)}>
          <legend className="text-sm font-semibold text-slate-800">Allowed landing apps</legend>
          <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
            {STUDIO_APPS.map((app) => (
              <label key={app} className="inline-flex items-center gap-2 text-sm text-slate-900">
                <input type="checkbox" name="allowedApps" value={app} defaultChecked={v.allowedApps.includes(app)} className={checkboxClass} />
                {APP_LABELS[app]}
              </label>
            ))}
          </div>
          <FieldError name="allowedApps" error={e.allowedApps} />
        </fieldset>
        <Field name="defaultApp" label="Default landing app" error={e.defaultApp}>
          <select id="defaultApp" name="defaultApp" className={inputClass} defaultValue={v.defaultApp} {...describedBy('defaultApp', e.defaultApp)}>
            {STUDIO_APPS.map((app) => (
              <option key={app} value={app}>
                {APP_LABELS[app]}
              </option>
            ))}
          </select>
        </Field>
        <div className="grid gap-5 sm:grid-cols-2">
          <Field name="sessionDurationSeconds" label="Studio session length (seconds)" hint="1800-43200; 7200 = 2 hours. How long a Studio session lasts once opened." error={e.sessionDurationSeconds}>
            <input id="sessionDurationSeconds" name="sessionDurationSeconds" type="number" min={1800} max={43200} className={inputClass} defaultValue={v.sessionDurationSeconds} required {...describedBy('sessionDurationSeconds', e.sessionDurationSeconds, true)} />
          </Field>
          <Field name="urlExpiresSeconds" label="Presigned URL expiry (seconds)" hint="5-300; empty uses the portal default." error={e.urlExpiresSeconds}>
            <input id="urlExpiresSeconds" name="urlExpiresSeconds" type="number" min={5} max={300} className={inputClass} defaultValue={v.urlExpiresSeconds} {...describedBy('urlExpiresSeconds', e.urlExpiresSeconds, true)} />
          </Field>
        </div>
        <fieldset className="space-y-5 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-semibold text-slate-800">Owners and access requests</legend>
          <Field name="ownerUsers" label="Owner usernames" hint="Owners manage this LOB's members and requests. Separate with commas." error={e.ownerUsers}>
            <input id="ownerUsers" name="ownerUsers" className={inputClass} defaultValue={v.ownerUsers} autoComplete="off" {...describedBy('ownerUsers', e.ownerUsers, true)} />
          </Field>
          <Field name="ownerGroups" label="Owner IdP groups" hint="Members of these groups are owners too, e.g. lob-a-owners." error={e.ownerGroups}>
            <input id="ownerGroups" name="ownerGroups" className={inputClass} defaultValue={v.ownerGroups} autoComplete="off" {...describedBy('ownerGroups', e.ownerGroups, true)} />
          </Field>
          <label className="inline-flex items-center gap-2 text-sm text-slate-900">
            <input type="checkbox" name="acceptsRequests" defaultChecked={v.acceptsRequests} className={checkboxClass} />
            Accepts access requests
          </label>
          <Field name="requestDescription" label="Who should ask" hint="Shown to users beside Request access; at most 300 characters." error={e.requestDescription}>
            <input id="requestDescription" name="requestDescription" className={inputClass} defaultValue={v.requestDescription} {...describedBy('requestDescription', e.requestDescription, true)} />
          </Field>
          <Field name="maxRequestDays" label="Longest access a request may ask for" error={e.maxRequestDays}>
            <select id="maxRequestDays" name="maxRequestDays" className={inputClass} defaultValue={v.maxRequestDays} {...describedBy('maxRequestDays', e.maxRequestDays)}>
              {REQUEST_DAY_CHOICES.map((d) => <option key={d} value={String(d)}>{d} days</option>)}
            </select>
          </Field>
          <Field name="approvalsRequired" label="Approvals required" hint="2: a request needs two different approvers (owners or platform admins), neither the requester." error={e.approvalsRequired}>
            <select id="approvalsRequired" name="approvalsRequired" className={inputClass} defaultValue={v.approvalsRequired} {...describedBy('approvalsRequired', e.approvalsRequired, true)}>
              <option value="1">1</option>
              <option value="2">2</option>
            </select>
          </Field>
          <Field
            name="requestExpiryDays" label="Requests expire after (days)" error={e.requestExpiryDays}
            hint="A request nobody decides within this many days expires; the requester is told and may ask again. A change applies to requests filed after it."
          >
            <input {...numberInput('requestExpiryDays', v, e)} />
          </Field>
        </fieldset>
        <CostLimitFields values={v} errors={e} />
        <div className="flex flex-col gap-3">
          <label className="inline-flex items-center gap-2 text-sm text-slate-900">
            <input type="checkbox" name="autoCreateProfile" defaultChecked={v.autoCreateProfile} className={checkboxClass} />
            Create a Studio user profile on first launch
          </label>
          {mode === 'create' ? (
            <p className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="starts-disabled">
              A new line of business starts <strong>disabled</strong>: users are not offered it until you test its
              connection and enable it on the next page.
            </p>
          ) : (
            <div>
              <label className="inline-flex items-center gap-2 text-sm text-slate-900">
                <input type="checkbox" name="enabled" defaultChecked={v.enabled} className={checkboxClass} {...describedBy('enabled', e.enabled)} />
                Enabled (users can launch Studio; enabling runs the connection test first)
              </label>
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

/** Cost control: the sweep stops apps running longer than these hours (lib/cost/sweep.ts). */
type NumberSetting = 'requestExpiryDays' | 'stopAfterHours' | 'stopAfterHoursGpu';

/** The attributes of a LOB setting typed as a whole number (its hint and error linked). */
function numberInput(name: NumberSetting, v: LobFormValues, e: Record<string, string | undefined>) {
  return { id: name, name, inputMode: 'numeric' as const, className: inputClass, defaultValue: v[name], ...describedBy(name, e[name], true) };
}

function CostLimitFields({ values: v, errors: e }: { values: LobFormValues; errors: Record<string, string | undefined> }) {
  return (
    <fieldset className="space-y-5 rounded-md border border-slate-200 p-4">
      <legend className="px-1 text-sm font-semibold text-slate-800">Running time</legend>
      <Field name="stopAfterHours" label="Stop apps after (hours)" hint="Apps running longer are stopped; users are warned 30 minutes before. Empty: no limit." error={e.stopAfterHours}>
        <input {...numberInput('stopAfterHours', v, e)} />
      </Field>
      <Field name="stopAfterHoursGpu" label="Stop GPU apps after (hours)" hint="For GPU instance types (ml.g*, ml.p*); empty: the limit above." error={e.stopAfterHoursGpu}>
        <input {...numberInput('stopAfterHoursGpu', v, e)} />
      </Field>
    </fieldset>
  );
}
