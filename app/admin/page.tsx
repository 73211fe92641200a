import Link from 'next/link';
import { listLobsForPage, requireConsolePage } from '@/lib/admin/require-admin';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { listMembers } from '@/lib/admin/members';
import { visibleLobsFor } from '@/lib/admin/visible-lobs';
import { readUsage } from '@/lib/usage/report';
import { readLobHealth } from '@/lib/usage/health';
import { PageHeader } from '@/components/admin/page-parts';
import { RelativeTime } from '@/components/ui/relative-time';
import { readPendingRequestCount } from './pending-requests';
import { EmergencyBanner } from '@/components/access/emergency-banner';

const cardClass =
  'group block h-full rounded-lg border border-slate-200 bg-white p-5 shadow-sm transition-colors hover:border-brand-600 sm:p-6';
/** "This week": memberships whose end falls within the next 7 days; at most this many counted per LOB. */
const ENDING_DAYS = 7;
const ENDING_SHOWN = 100;
const percent = (part: number, whole: number) => (whole ? `${((part / whole) * 100).toFixed(1)}%` : '—');

/** The operator's first glance: today's launches and failure rate against the last 7 days, failing LOBs, what waits. */
export default async function AdminHome() {
  const access = await requireConsolePage('/admin');
  const deps = getAdminDeps();
  const lobs = (await listLobsForPage()).filter((l) => access.lobs.includes(l.lob));
  const visible = visibleLobsFor(
    access,
    lobs.map((l) => l.lob),
  );
  const [usage, health, pending, ending] = await Promise.all([
    readUsage(
      { doc: deps.ddb, table: deps.tables.usage },
      { lobs: visible, days: 8, today: nowOf(deps), users: false },
    ),
    readLobHealth(
      { doc: deps.ddb, table: deps.tables.usage },
      lobs.filter((l) => l.enabled).map((l) => l.lob),
    ),
    // A card that cannot be read says so; the rest of the overview still answers. (The layout's nav reads it too: once a request.)
    readPendingRequestCount(access.lobs),
    Promise.all(
      visible.map(async (lob) => {
        const page = await listMembers(deps, lob, { expiringWithinDays: ENDING_DAYS, limit: ENDING_SHOWN }).catch(
          () => undefined,
        );
        return { lob, count: page?.members.length, more: Boolean(page?.nextToken) };
      }),
    ),
  ]);
  const endingLobs = ending.filter((e) => e.count !== 0);
  const sum = (series: Record<string, number[]>, from: number, to: number) =>
    Object.values(series).reduce((a, days) => a + days.slice(from, to).reduce((x, y) => x + y, 0), 0);
  const today = { launches: sum(usage.launches, 7, 8), failures: sum(usage.failures, 7, 8) };
  const lastWeek = { launches: sum(usage.launches, 0, 7), failures: sum(usage.failures, 0, 7) };
  const failing = [...health.values()].filter((h) => !h.ok);
  const disabled = lobs.filter((l) => !l.enabled).length;

  const glance = [
    {
      href: '/admin/usage',
      title: 'Launches today',
      testId: 'glance-launches',
      body: (
        <>
          <p className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">
            {today.launches.toLocaleString('en-US')}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            Failure rate {percent(today.failures, today.launches)} today,{' '}
            {percent(lastWeek.failures, lastWeek.launches)} over the 7 days before (UTC).
          </p>
        </>
      ),
    },
    {
      href: '/admin/lobs',
      title: 'Health checks',
      testId: 'glance-health',
      body: failing.length ? (
        <ul className="mt-1 space-y-1 text-sm text-red-800">
          {failing.map((h) => (
            <li key={h.lob}>
              <strong>{h.lob}</strong> failing since{' '}
              {h.failingSince ? <RelativeTime iso={h.failingSince} /> : 'its last check'}
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-1 text-sm text-slate-600">
          {health.size ? 'Every checked line of business is ok.' : 'No health check has run yet.'}
        </p>
      ),
    },
    {
      href: '/admin/requests',
      title: 'Pending requests',
      testId: 'glance-requests',
      body:
        pending === undefined ? (
          <p className="mt-1 text-sm text-red-800">The request count could not be read; open the queue.</p>
        ) : (
          <>
            <p className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums" data-count={pending}>
              {pending.toLocaleString('en-US')}
            </p>
            <p className="mt-1 text-sm text-slate-600">
              {pending
                ? `Waiting for a decision${access.platformAdmin ? '' : ' in your lines of business'}.`
                : 'Nothing waits for a decision.'}
            </p>
          </>
        ),
    },
    {
      // One LOB with endings: straight to its "Expiring" view; several: the LOB list.
      href:
        endingLobs.length === 1
          ? `/admin/lobs/${encodeURIComponent(endingLobs[0].lob)}/members?view=expiring`
          : '/admin/lobs',
      title: 'Memberships ending this week',
      testId: 'glance-ending',
      body: endingLobs.length ? (
        <ul className="mt-1 space-y-1 text-sm text-slate-700">
          {endingLobs.map((e) => (
            <li key={e.lob} data-lob={e.lob} data-count={e.count}>
              <strong>{e.lob}</strong>:{' '}
              {e.count === undefined
                ? 'could not be read'
                : `${e.count}${e.more ? '+' : ''} ending within ${ENDING_DAYS} days`}
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-1 text-sm text-slate-600">No membership ends within {ENDING_DAYS} days.</p>
      ),
    },
  ];
  const sections = [
    ...(access.platformAdmin
      ? [
          {
            href: '/admin/users',
            title: 'Users',
            text: 'Who belongs to which line of business; find users with none; CSV import and export.',
          },
        ]
      : []),
    {
      href: '/admin/lobs',
      title: 'Lines of business',
      text: `${lobs.length} configured${disabled ? `, ${disabled} disabled` : ''}. Accounts, domains, roles, connection tests.`,
    },
    { href: '/admin/requests', title: 'Requests', text: 'Access requests waiting for a decision, newest first.' },
    {
      href: '/admin/usage',
      title: 'Usage',
      text: 'Launches, failures, active users and launch time per line of business.',
    },
    { href: '/admin/audit', title: 'Audit log', text: 'Launches and admin changes, newest first.' },
  ];
  return (
    <div>
      <PageHeader
        title="Admin console"
        description={
          access.platformAdmin
            ? 'Manage who can open Studio where, and see what happened.'
            : `You own ${access.lobs.join(', ')}: its members, access requests and audit entries.`
        }
      />
      <EmergencyBanner deps={deps} lobs={access.lobs} viewer={access.user.username} />
      <h2 className="sr-only">At a glance</h2>
      <ul className="mb-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {glance.map((g) => (
          <li key={g.title}>
            <Link href={g.href} className={cardClass} data-testid={g.testId}>
              <h3 className="text-base font-semibold text-brand-700 group-hover:underline group-hover:underline-offset-2">
                {g.title}
              </h3>
              {g.body}
            </Link>
          </li>
        ))}
      </ul>
      <h2 className="sr-only">Sections</h2>
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {sections.map((s) => (
          <li key={s.href}>
            <Link href={s.href} className={cardClass}>
              <h3 className="text-base font-semibold text-brand-700 group-hover:underline group-hover:underline-offset-2">
                {s.title}
              </h3>
              <p className="mt-1 text-sm text-slate-600">{s.text}</p>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
