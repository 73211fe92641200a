import type { SessionUser } from '@/lib/auth/types';
import { mayTakeEmergency } from '@/lib/access/emergency';
import { DEFAULT_EMERGENCY_HOURS, type Lob, type Membership } from '@/lib/directory/types';
import { formatUtcMinute } from '@/lib/time-format';
import { Alert } from '@/components/ui/alert';
import { EmergencyAccessForm } from './emergency-forms';

const cardClass = 'rounded-lg border border-red-200 bg-white p-5 shadow-sm sm:p-6';

/**
 * "Emergency access" on the home page (issue 27): for the LOBs whose emergency access group the user is in
 * (their current IdP groups), a reason and the button; a running grant shows its end instead. The server
 * action checks everything again (lib/access/emergency.ts).
 */
export function EmergencyAccess({
  user,
  lobs,
  memberships,
}: {
  user: SessionUser;
  lobs: Lob[];
  memberships: Membership[];
}) {
  const offered = lobs.filter((l) => mayTakeEmergency(user, l));
  if (!offered.length) return null;
  const emergency = new Map(memberships.filter((m) => m.via === 'emergency' && m.until).map((m) => [m.lob, m.until!]));
  return (
    <section aria-labelledby="emergency-heading" className="space-y-3" data-testid="emergency-access">
      <h2 id="emergency-heading" className="text-base font-semibold text-slate-900">
        Emergency access
      </h2>
      <p className="text-sm text-slate-600">
        For on-call work when something is broken and no owner can approve in time. It is granted at once and recorded:
        the owners are told and must confirm or reject it within 24 hours.
      </p>
      <ul className="space-y-3">
        {offered.map((l) => (
          <li
            key={l.lob}
            className={cardClass}
            aria-labelledby={`emergency-${l.lob}`}
            data-testid={`emergency-${l.lob}`}
          >
            <h3 id={`emergency-${l.lob}`} className="font-semibold text-slate-900">
              {l.displayName} <span className="font-normal text-slate-600">({l.lob})</span>
            </h3>
            {emergency.has(l.lob) ? (
              <Alert tone="warning" title={`You have emergency access to ${l.lob}`}>
                <p>
                  Until <time dateTime={emergency.get(l.lob)}>{formatUtcMinute(emergency.get(l.lob)!)}</time>. Open
                  Studio above.
                </p>
              </Alert>
            ) : (
              <EmergencyAccessForm
                lob={l.lob}
                displayName={l.displayName}
                hours={l.emergencyHours ?? DEFAULT_EMERGENCY_HOURS}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
