import type { AdminLob } from '@/lib/admin/lobs';
import { APP_LABELS } from '@/lib/admin/validation';
import { DetailList, sectionTitleClass } from './page-parts';
import { describeDuration } from '@/lib/access/timing';
import { DEFAULT_REQUEST_EXPIRY_DAYS } from '@/lib/directory/types';

/** A LOB's settings, read-only (what its owners see; platform admins edit them in LobForm). */
export function LobSummary({ lob }: { lob: AdminLob }) {
  const rows: [string, string][] = [
    ['AWS account id', lob.accountId],
    ['Region', lob.region],
    ['Studio domain id', lob.domainId],
    ['Generator role name', lob.roleName],
    ['IdP groups', lob.groups.join(', ') || 'none'],
    ['Allowed landing apps', lob.allowedApps.map((a) => APP_LABELS[a]).join(', ')],
    ['Default landing app', APP_LABELS[lob.defaultApp]],
    [
      'Studio session length',
      `${describeDuration(lob.sessionDurationSeconds)} (${lob.sessionDurationSeconds} seconds)`,
    ],
    [
      'Owners',
      [...lob.owners.users, ...lob.owners.groups.map((g) => `group ${g}`)].join(', ') || 'platform admins only',
    ],
    [
      'Access requests',
      lob.acceptsRequests
        ? `accepted, up to ${lob.maxRequestDays} days; undecided ones expire after ${lob.requestExpiryDays ?? DEFAULT_REQUEST_EXPIRY_DAYS} days`
        : 'not accepted',
    ],
    ['Who should ask', lob.requestDescription ?? '—'],
    ['Status', lob.enabled ? 'enabled' : 'disabled'],
    ['Stop apps after (hours)', lob.stopAfterHours === undefined ? 'no limit' : String(lob.stopAfterHours)],
    ['Stop GPU apps after (hours)', lob.stopAfterHoursGpu === undefined ? 'as above' : String(lob.stopAfterHoursGpu)],
  ];
  return (
    <section aria-labelledby="lob-settings-title">
      <h2 id="lob-settings-title" className={sectionTitleClass}>
        Settings
      </h2>
      <p className="mt-1 text-sm text-slate-600">Read-only: platform admins change these.</p>
      <DetailList rows={rows} />
    </section>
  );
}
