import type { AdminLob } from '@/lib/admin/lobs';
import { describeDuration } from '@/lib/access/timing';
import { sectionTitleClass } from './page-parts';

/** How soon Studio access ends in this LOB after it is taken away, with the current settings (docs/admin.md); the Card around it is the region. */
export function AccessEnds({
  lob,
  sweepMinutes,
}: {
  lob: Pick<AdminLob, 'lob' | 'sessionDurationSeconds'>;
  sweepMinutes: number;
}) {
  const sweep = describeDuration(sweepMinutes * 60);
  return (
    <div>
      <h2 id="access-ends-title" className={sectionTitleClass}>
        When access is taken away
      </h2>
      <dl className="mt-3 space-y-2 text-sm" data-testid="access-ends">
        <div>
          <dt className="font-medium text-slate-600">
            Removed in the portal (admin, owner, review &ldquo;Remove&rdquo;)
          </dt>
          <dd className="text-slate-900">
            At once: running apps are stopped and the open Studio session refuses its next request before the change is
            confirmed.
          </dd>
        </div>
        <div>
          <dt className="font-medium text-slate-600">
            Membership end date, IdP group removal, user disabled or deleted
          </dt>
          <dd className="text-slate-900">
            Within {sweep}: the access sweep runs every {sweep}.
          </dd>
        </div>
        <div>
          <dt className="font-medium text-slate-600">Longest a Studio session lasts</dt>
          <dd className="text-slate-900">
            {describeDuration(lob.sessionDurationSeconds)} (the Studio session length), after which Studio asks the
            portal again.
          </dd>
        </div>
      </dl>
    </div>
  );
}
