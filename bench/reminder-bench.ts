/**
 * The review-reminder job at scale (issue 27 item 5): 1,000 open access reviews over 100,000 snapshot rows
 * (one per user) in DynamoDB Local, a small fraction with a reminder due. Runs the production job
 * (lib/admin/review-reminders.ts runReviewReminders) against the stand-ins in this process and reports, per
 * run, the review headers it read from the remindersDue index against those actually due, the DynamoDB calls
 * (from the stand-ins' counters) and the wall time. For comparison it also counts what the open-reviews index
 * alone (`openByDue`, `dueAt <= now + 3 days`) would read on every run.
 *
 *   npx tsx bench/reminder-bench.ts [--reviews 1000] [--users 100000] [--due 20] [--overdue 200] [--runs 5]
 *                                   [--latency dynamodb=5,sns=10]
 *
 * Reviews: `--due` with a reminder due now (half D-3, half on the due date), `--overdue` past their due date
 * and already reminded (open, flagged: in openByDue, no longer in remindersDue), the rest due 4 to 60 days
 * from now. The job never reads the Users table or the rows, so the users exist as snapshot rows only.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runReviewReminders } from '../lib/admin/review-reminders';
import { countOpenDueBy, reviewWrites, writeReviewRows, type Review } from '../lib/directory/reviews';
import { transactWrite } from '../lib/directory/writes';
import { mapConcurrent } from '../lib/concurrency';
import { withInProcessStandIns } from './lib/in-process';

/** Options (node:util parseArgs): counts, and `--latency dynamodb=5,sns=10` or `none`. */
function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      reviews: { type: 'string', default: '1000' },
      users: { type: 'string', default: '100000' },
      due: { type: 'string', default: '20' },
      overdue: { type: 'string', default: '200' },
      runs: { type: 'string', default: '5' },
      latency: { type: 'string', default: 'dynamodb=5,sns=10' },
    },
  });
  const [reviews, users, due, overdue, runs] = [
    values.reviews,
    values.users,
    values.due,
    values.overdue,
    values.runs,
  ].map(Number);
  if (![reviews, users, runs].every((n) => Number.isInteger(n) && n > 0) || due + overdue > reviews) {
    throw new Error('reminder-bench: --reviews, --users, --runs must be positive integers, due + overdue <= reviews');
  }
  const latency: Record<string, number> =
    values.latency === 'none'
      ? {}
      : Object.fromEntries(values.latency.split(',').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]));
  return { reviews, users, due, overdue, runs, latency };
}

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function main() {
  const args = parseOptions(process.argv.slice(2));
  const log = (m: string) => console.error(m);
  // SNS included: each reminder is one Publish to the stand-in topic.
  await withInProcessStandIns(async ({ stand, deps }) => {
    const now = Date.now();
    const seedStarted = performance.now();
    const perReview = Math.floor(args.users / args.reviews);
    let dueD3 = 0;
    let dueD = 0;
    await mapConcurrent([...Array(args.reviews).keys()], 8, async (k) => {
      const id = `bench-review-${String(k).padStart(5, '0')}`;
      const users = Array.from({ length: perReview }, (_, j) => ({
        username: `bench-u-${String(k * perReview + j).padStart(6, '0')}`,
      }));
      let dueAt: number;
      let remindAt: number | undefined;
      if (k < args.due) {
        // Due now: even k at D-3 (due in 2 days), odd k on the due date (due an hour ago, D-3 sent before).
        dueAt = k % 2 ? now - 3_600_000 : now + 2 * DAY_MS;
        remindAt = k % 2 ? dueAt : dueAt - 3 * DAY_MS;
        if (k % 2) dueD++;
        else dueD3++;
      } else if (k < args.due + args.overdue) {
        dueAt = now - (1 + (k % 30)) * DAY_MS; // overdue, both reminders sent: out of remindersDue
      } else {
        dueAt = now + (4 + (k % 57)) * DAY_MS;
        remindAt = dueAt - 3 * DAY_MS;
      }
      const review: Review = {
        id,
        lob: `bench-lob-${k % 50}`,
        status: 'open',
        createdAt: iso(dueAt - 14 * DAY_MS),
        createdBy: 'bench',
        dueAt: iso(dueAt),
        reviewers: { users: [], groups: [`bench-lob-${k % 50}-owners`] },
        groups: [],
        total: users.length,
        decided: 0,
      };
      await writeReviewRows(deps, id, users, Math.floor(now / 1000) + 86_400, 2);
      await transactWrite(deps.ddb, [
        reviewWrites.open(
          deps,
          review,
          Math.floor(now / 1000) + 86_400,
          remindAt === undefined ? undefined : iso(remindAt),
        ),
      ]);
    });
    const seedSeconds = ((performance.now() - seedStarted) / 1000).toFixed(1);
    log(
      `reminder-bench: seeded ${args.reviews} open reviews, ${perReview * args.reviews} snapshot rows (${seedSeconds} s)`,
    );

    // What the open-reviews index alone would read per run: every open review due within 3 days or overdue.
    const openByDueRead = await countOpenDueBy(deps, iso(now + 3 * DAY_MS));

    const rows: string[] = [];
    for (let run = 1; run <= args.runs; run++) {
      stand.knobs.resetCounters();
      stand.knobs.setLatency(args.latency);
      const started = performance.now();
      const result = await runReviewReminders({ ...deps, now: () => new Date(now + run * 60_000) });
      const wallMs = performance.now() - started;
      stand.knobs.setLatency({ dynamodb: 0, sns: 0 });
      const calls = stand.knobs.getCounters();
      const by = Object.entries(calls)
        .filter(([k]) => k.startsWith('dynamodb.') || k.startsWith('sns.'))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      const expected = run === 1 ? args.due : 0;
      const stages = (['D-3', 'D'] as const).map(
        (stage) => `${result.reminded.filter((r) => r.stage === stage).length} ${stage}`,
      );
      rows.push(
        `| ${run} | ${expected} | ${result.read} | ${result.reminded.length} (${stages.join(', ')}) | ${wallMs.toFixed(0)} ms | ${by} |`,
      );
      log(`reminder-bench: run ${run}: read ${result.read}, sent ${result.reminded.length}, ${wallMs.toFixed(0)} ms`);
    }

    console.log(
      `\nReview reminder bench (runReviewReminders against DynamoDB Local and the SNS stand-in; latency added: ${
        Object.entries(args.latency)
          .map(([k, v]) => `${k} ${v} ms`)
          .join(', ') || 'none'
      })`,
    );
    const users = (perReview * args.reviews).toLocaleString('en');
    console.log(`${args.reviews.toLocaleString('en')} open reviews over ${users} users (snapshot rows)`);
    console.log(`reminders due: ${dueD3} at D-3, ${dueD} at D; ${args.overdue} overdue and already reminded\n`);
    console.log('| run | due | headers read (remindersDue) | sent | wall time | calls |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
    console.log(
      `\nThe openByDue index alone (open, dueAt <= now + 3 days) would read ${openByDueRead} headers on every run.`,
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
