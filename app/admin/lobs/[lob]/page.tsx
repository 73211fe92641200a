import { notFound } from 'next/navigation';
import Link from 'next/link';
import { requireLobManagerPage } from '@/lib/admin/require-admin';
import { LobSummary } from '@/components/admin/lob-summary';
import { linkClass } from '@/components/admin/form-parts';
import { getAdminDeps } from '@/lib/admin/deps';
import { getLob } from '@/lib/admin/lobs';
import { lobToFormValues } from '@/lib/admin/lob-form';
import { LobForm } from '@/components/admin/lob-form';
import { ConnectionTest, DeleteLobDialog, EnableLobForm } from '@/components/admin/lob-commands';
import { Time } from '@/components/ui/time';
import { Badge, Card, PageHeader, SectionCard } from '@/components/admin/page-parts';
import { LOB_NAME_PATTERN } from '@/lib/admin/validation';
import { getReviewSettings } from '@/lib/admin/reviews';
import { queryLobReviews } from '@/lib/directory/reviews';
import { ReviewSettingsForm, StartReviewForm } from '@/components/admin/review-forms';
import { formatUtcMinute } from '@/lib/time-format';
import { AccessEnds } from '@/components/admin/access-ends';
import { getConfig } from '@/lib/config';
import { LobRunningApps } from '@/components/cost/lob-apps';

export default async function EditLobPage({
  params,
  searchParams,
}: {
  params: Promise<{ lob: string }>;
  searchParams: Promise<{ saved?: string; longer?: string; stop?: string; stopped?: string }>;
}) {
  const { lob: raw } = await params;
  const name = decodeURIComponent(raw);
  if (!LOB_NAME_PATTERN.test(name)) notFound();
  const access = await requireLobManagerPage(`/admin/lobs/${encodeURIComponent(name)}`, name);
  const deps = getAdminDeps();
  // Members are counted when a delete is attempted (a scan of the Users table), not on every page view.
  const [lob, reviews, reviewSettings] = await Promise.all([
    getLob(deps, name),
    queryLobReviews(deps, name, 5),
    getReviewSettings(deps, name),
  ]);
  if (!lob) notFound();
  const query = await searchParams;
  const { saved } = query;
  return (
    <div>
      <PageHeader
        back={{ href: '/admin/lobs', label: 'All lines of business' }}
        title={
          <span>
            {lob.displayName} <span className="font-normal text-slate-600">({lob.lob})</span>
          </span>
        }
        badge={lob.enabled ? null : <Badge tone="danger">Disabled</Badge>}
        description={
          <p>
            Version {lob.version}
            {lob.updatedBy ? `, last changed by ${lob.updatedBy}` : ''}
            {lob.updatedAt ? (
              <>
                , <Time iso={lob.updatedAt} />
              </>
            ) : null}
          </p>
        }
      />
      <div role="status" aria-live="polite">
        {saved === 'created' && lob.version === 1 ? (
          <p className="mb-4 rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
            Created {lob.lob}. It is disabled until you enable it: test the connection, then enable it.
          </p>
        ) : null}
      </div>
      <div className="grid grid-cols-[minmax(0,1fr)] items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card aria-label="Line of business settings">
          {access.platformAdmin ? <LobForm mode="edit" initial={lobToFormValues(lob)} /> : <LobSummary lob={lob} />}
        </Card>
        <div className="space-y-6">
          {access.platformAdmin ? (
            <SectionCard titleId="availability-title" title="Availability">
              <p className="mt-1 text-sm text-slate-600" data-testid="availability" role="status">
                {lob.enabled
                  ? `Enabled: members can open Studio in ${lob.lob}.`
                  : `Disabled: users are not offered ${lob.lob}. Enabling runs the connection test first and is refused while a step fails.`}
              </p>
              <div className="mt-4">
                <EnableLobForm key={`e${lob.version}`} lob={lob.lob} version={lob.version} enabled={lob.enabled} />
              </div>
            </SectionCard>
          ) : (
            <p className="text-sm text-slate-600" data-testid="availability" role="status">
              {lob.enabled
                ? `Enabled: members can open Studio in ${lob.lob}.`
                : `Disabled: users are not offered ${lob.lob}; a platform admin enables it.`}
            </p>
          )}
          <Card aria-labelledby="access-ends-title">
            <AccessEnds lob={lob} sweepMinutes={getConfig().accessSweepMinutes} />
          </Card>
          <SectionCard titleId="members-link-title" title="Members and requests">
            <p className="mt-2 flex flex-wrap gap-4 text-sm">
              <Link className={linkClass} href={`/admin/lobs/${encodeURIComponent(lob.lob)}/members`}>
                Members of {lob.lob}
              </Link>
              <Link className={linkClass} href={`/admin/requests?lob=${encodeURIComponent(lob.lob)}`}>
                Requests for {lob.lob}
              </Link>
            </p>
          </SectionCard>
          <SectionCard titleId="reviews-title" title="Access reviews">
            <p className="mt-1 text-sm text-slate-600">
              Re-certify who keeps access: a snapshot of the direct members for the owners to decide.
            </p>
            <div className="mt-3">
              <StartReviewForm lob={lob.lob} />
            </div>
            {reviews.length ? (
              <ul className="mt-4 space-y-1 text-sm" aria-label="Recent reviews">
                {reviews.map((r) => (
                  <li key={r.id}>
                    <Link className={linkClass} href={`/admin/reviews/${encodeURIComponent(r.id)}`}>
                      Review of {formatUtcMinute(r.createdAt)}
                    </Link>{' '}
                    <span className="text-slate-600">
                      ({r.status}, {r.decided} of {r.total} decided)
                    </span>
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="mt-4 border-t border-slate-200 pt-4">
              <ReviewSettingsForm
                initial={{
                  lob: lob.lob,
                  everyDays: reviewSettings.everyDays ? String(reviewSettings.everyDays) : '',
                  dueDays: String(reviewSettings.dueDays),
                  removeUndecided: reviewSettings.removeUndecided,
                  version: String(reviewSettings.version),
                }}
              />
              {reviewSettings.nextAt ? (
                <p className="mt-2 text-sm text-slate-600">
                  Next scheduled review: {formatUtcMinute(reviewSettings.nextAt)}
                </p>
              ) : null}
            </div>
          </SectionCard>
          <Card>
            <ConnectionTest lob={lob.lob} />
          </Card>
          <SectionCard titleId="idle-title" title="Idle shutdown">
            <p className="mt-2 text-sm text-slate-700" data-testid="idle-shutdown">
              {lob.idleShutdownMinutes
                ? `JupyterLab and Code Editor apps shut down after ${lob.idleShutdownMinutes} idle minutes.`
                : 'Not set for this line of business.'}
            </p>
            <p className="mt-1 text-sm text-slate-600">
              Set per LOB in the infrastructure configuration (idleShutdownMinutes, 60-525600) and deployed to the
              Studio domain; read-only here.
            </p>
          </SectionCard>
          {/* Cost control (issue 25): the LOB's running apps, stopped with a reason. */}
          <LobRunningApps lob={lob} viewer={access.user.username} query={query} />
          {access.platformAdmin ? (
            <SectionCard titleId="danger-title" title="Delete" tone="danger">
              <p className="mt-1 text-sm text-slate-600">
                Removes the line of business; users assigned to it are counted first.
              </p>
              <div className="mt-4">
                <DeleteLobDialog key={`d${lob.version}`} lob={lob.lob} version={lob.version} />
              </div>
            </SectionCard>
          ) : null}
        </div>
      </div>
    </div>
  );
}
