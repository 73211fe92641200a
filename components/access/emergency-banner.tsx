import { listOpenEmergencies, type OpenEmergency } from '@/lib/access/emergency';
import type { AdminDeps } from '@/lib/admin/deps';
import { log } from '@/lib/log';
import { formatUtcMinute } from '@/lib/time-format';
import { Badge } from '@/components/admin/page-parts';
import { EmergencyDecisionForm } from './emergency-forms';

/**
 * The /admin banner (issue 27): open emergency grants of the LOBs the viewer manages, each with its reason,
 * its end, its follow-up due time (overdue after 24 hours: it stays until decided) and "Confirm" / "Reject"
 * in a region named after the user and the LOB. Nothing open: nothing shown.
 */
export async function EmergencyBanner({ deps, lobs, viewer }: { deps: AdminDeps; lobs: string[]; viewer: string }) {
  let open: OpenEmergency[];
  try {
    open = await listOpenEmergencies(deps, lobs);
  } catch (error) {
    log.error('emergency.banner_failed', { error });
    return (
      <p role="alert" className="mb-6 rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
        Open emergency grants could not be read; reload the page.
      </p>
    );
  }
  if (!open.length) return null;
  return (
    <section
      aria-labelledby="emergency-banner-heading"
      className="mb-8 rounded-lg border border-red-300 bg-red-50 p-4 sm:p-5"
      data-testid="emergency-banner"
    >
      <h2 id="emergency-banner-heading" className="text-base font-semibold text-red-900">
        {`Emergency access awaiting follow-up (${open.length})`}
      </h2>
      <p className="mt-1 text-sm text-red-900">
        Confirm keeps it until its end; Reject ends it now and stops their Studio apps. Decide within 24 hours.
      </p>
      <ul className="mt-3 space-y-3">
        {open.map((g) => (
          <li key={`${g.lob}/${g.id}`}>
            <section
              aria-label={`Emergency access of ${g.user} to ${g.lob}`}
              className="flex flex-col gap-3 rounded-md border border-red-200 bg-white p-3 sm:flex-row sm:items-start sm:justify-between"
            >
              <div className="min-w-0 text-sm text-slate-800">
                <p>
                  <strong>{g.user}</strong> in <strong>{g.lob}</strong>{' '}
                  {g.overdue ? (
                    <Badge tone="danger" testId="emergency-overdue">
                      Overdue
                    </Badge>
                  ) : null}{' '}
                  {g.active ? <Badge tone="warning">Active</Badge> : <Badge>Ended</Badge>}
                </p>
                <p className="mt-1 break-words">Reason: {g.reason}</p>
                <p className="mt-1 text-slate-600">
                  Taken <time dateTime={g.takenAt}>{formatUtcMinute(g.takenAt)}</time>, {g.active ? 'ends' : 'ended'}{' '}
                  <time dateTime={g.until}>{formatUtcMinute(g.until)}</time>; follow-up due{' '}
                  <time dateTime={g.dueAt}>{formatUtcMinute(g.dueAt)}</time>.
                </p>
              </div>
              {g.user === viewer ? (
                <p className="text-sm text-slate-600">Yours: another owner or a platform admin decides.</p>
              ) : (
                <div className="flex gap-2">
                  <EmergencyDecisionForm lob={g.lob} id={g.id} decision="confirm" />
                  <EmergencyDecisionForm lob={g.lob} id={g.id} decision="reject" />
                </div>
              )}
            </section>
          </li>
        ))}
      </ul>
    </section>
  );
}
