/**
 * Issue 23 items 1-2 against the stand-ins through the production SDK clients: nobody grants themselves
 * access (members page, reviews, Users page, CSV import, requests), each refusal has the code `grant.self`
 * (or `request.self_approval`), is audited and writes nothing else; an owner's grant is capped at the LOB's
 * maximum; with "Approvals required" 2 a request becomes a membership only with a second, different
 * approver, and approvers deciding at once neither lose an approval nor write two memberships.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdminDeps } from '@/lib/admin/deps';
import { getUserMapping } from '@/lib/directory/users';
import { saveUserLobs } from '@/lib/admin/user-lobs';
import { listAudit } from '@/lib/admin/audit';
import { importUsersCsv } from '@/lib/admin/user-import';
import { setMember } from '@/lib/admin/members';
import { requireLob, updateLob } from '@/lib/admin/lobs';
import { decideMember, keepAll, listReviewRows, startReview } from '@/lib/admin/reviews';
import { approveRequest, createRequest, denyRequest, getRequest } from '@/lib/admin/requests';
import { SELF_GRANT_MESSAGE } from '@/lib/admin/grants';
import { lobToFormValues, parseLobFormValues } from '@/lib/admin/lob-form';
import { isPortalError } from '@/lib/errors';
import { isLobOwner } from '@/lib/auth/roles';
import { archiveOrphanedMapping, backfillSubs, listOrphanedMappings, listOrphanedOwners } from '@/lib/admin/identity';
import { subForUsername } from '@/local/cognito/user-store';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useAdminStandIns } from '../support/admin-stand-ins';

let deps: AdminDeps;
useAdminStandIns((started) => ({ deps } = started));

const owner = { username: 'owner-lob-a', platformAdmin: false };
const admin = { username: 'portal-admin', platformAdmin: true };
const DAY = 24 * 3600 * 1000;
const day = (days: number) => `${new Date(Date.now() + days * DAY).toISOString().slice(0, 10)}T23:59:59.999Z`;

/** The error a promise rejects with (fails the test when it resolves). */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isPortalError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

async function refusedAudits(actor: string) {
  return (await listAudit(deps, { user: actor, type: 'admin' }, { limit: 500 })).entries.filter(
    (e) => e.action === 'grant.self_refused',
  );
}

describe('No self-grants', () => {
  it('an owner adding themselves, or changing their own end date, is refused with grant.self, audited, nothing written', async () => {
    const audits = (await refusedAudits('owner-lob-a')).length;
    const add = await refusal(
      setMember(deps, { grantor: owner, lob: 'lob-a', username: 'owner-lob-a', until: day(10) }),
    );
    expect(add.code).toBe('grant.self');
    expect(add.status).toBe(403);
    expect(add.message).toContain(SELF_GRANT_MESSAGE);
    expect(await getUserMapping(deps, 'owner-lob-a')).toBeNull();

    // An admin gives the owner a membership; the owner cannot extend it.
    await setMember(deps, { grantor: admin, lob: 'lob-a', username: 'owner-lob-a', until: day(5) });
    const granted = await getUserMapping(deps, 'owner-lob-a');
    const change = await refusal(
      setMember(deps, { grantor: owner, lob: 'lob-a', username: 'owner-lob-a', until: day(30) }),
    );
    expect(change.code).toBe('grant.self');
    expect(await getUserMapping(deps, 'owner-lob-a')).toEqual(granted);

    const refused = await refusedAudits('owner-lob-a');
    expect(refused).toHaveLength(audits + 2);
    expect(refused[0]).toMatchObject({ target: 'owner-lob-a', lob: 'lob-a' });
    expect(JSON.parse(refused[0].after!)).toMatchObject({ refused: 'member.set', lob: 'lob-a' });
  });

  it('a platform admin adding themselves is refused too (and through the Users page and the CSV import)', async () => {
    const before = await getUserMapping(deps, 'portal-admin');
    expect(
      (await refusal(setMember(deps, { grantor: admin, lob: 'lob-b', username: 'portal-admin', until: undefined })))
        .code,
    ).toBe('grant.self');
    expect(
      (
        await refusal(
          saveUserLobs(deps, {
            actor: 'portal-admin',
            username: 'portal-admin',
            lobs: [...(before?.lobs ?? []), 'lob-b'],
            expectedVersion: before?.version ?? null,
          }),
        )
      ).code,
    ).toBe('grant.self');
    const imported = await importUsersCsv(
      deps,
      'portal-admin',
      'username,lobs\nportal-admin,lob-a;lob-b\nuser-no-lob,lob-b\n',
    );
    expect(imported.applied).toBe(1);
    expect(imported.errors).toEqual([
      { line: 2, username: 'portal-admin', reason: expect.stringContaining(SELF_GRANT_MESSAGE) },
    ]);
    expect(await getUserMapping(deps, 'portal-admin')).toEqual(before);
    expect((await getUserMapping(deps, 'user-no-lob'))?.lobs).toEqual(['lob-b']);
    const refused = (await refusedAudits('portal-admin')).map((e) => JSON.parse(e.after!).refused);
    expect(refused).toEqual(expect.arrayContaining(['member.set', 'user.lobs.update', 'user.lobs.import']));
    // Giving up one's own membership is not a grant.
    if (before?.lobs.length)
      expect(
        await saveUserLobs(deps, {
          actor: 'portal-admin',
          username: 'portal-admin',
          lobs: before.lobs.slice(1),
          expectedVersion: before.version,
        }),
      ).toBeDefined();
  });

  it('an owner keeping themselves in a review is refused; Keep all leaves them undecided', async () => {
    const lob = await requireLob(deps, 'lob-a');
    const review = await startReview(deps, { actor: 'portal-admin', lob });
    const rows = async () =>
      new Map((await listReviewRows(deps, review, { limit: 1000 })).rows.map((r) => [r.username, r]));
    expect((await rows()).get('owner-lob-a')?.decision).toBeUndefined();
    const before = await getUserMapping(deps, 'owner-lob-a');
    const keep = await refusal(
      decideMember(deps, { grantor: owner, review, username: 'owner-lob-a', decision: 'keep', until: day(20) }),
    );
    expect(keep.code).toBe('grant.self');
    const plain = await refusal(
      decideMember(deps, { grantor: owner, review, username: 'owner-lob-a', decision: 'keep' }),
    );
    expect(plain.code).toBe('grant.self');
    expect(await getUserMapping(deps, 'owner-lob-a')).toEqual(before);
    const all = await keepAll(deps, { actor: 'owner-lob-a', review, usernames: ['owner-lob-a', 'user-multi'] });
    expect(all).toMatchObject({ kept: ['user-multi'], selfRefused: true });
    const after = await rows();
    expect(after.get('owner-lob-a')?.decision).toBeUndefined();
    expect(after.get('user-multi')?.decision).toBe('keep');
    // Someone else may keep the owner, within the LOB's maximum.
    const beyond = await refusal(
      decideMember(deps, {
        grantor: { username: 'owner-lob-b', platformAdmin: false },
        review,
        username: 'owner-lob-a',
        decision: 'keep',
        until: day(400),
      }),
    );
    expect(beyond.code).toBe('grant.beyond_max');
    await decideMember(deps, { grantor: admin, review, username: 'owner-lob-a', decision: 'keep', until: day(20) });
    expect((await getUserMapping(deps, 'owner-lob-a'))?.memberships[0].until).toBe(day(20));
  });

  it("caps an owner's grants at the LOB maximum; only platform admins grant without an end date", async () => {
    const lob = await requireLob(deps, 'lob-a');
    expect(lob.maxRequestDays).toBe(90);
    const noEnd = await refusal(
      setMember(deps, { grantor: owner, lob: 'lob-a', username: 'cap-target', until: undefined }),
    );
    expect(noEnd.code).toBe('grant.beyond_max');
    expect(noEnd.message).toContain('only platform admins may grant access without an end date');
    const tooLong = await refusal(
      setMember(deps, { grantor: owner, lob: 'lob-a', username: 'cap-target', until: day(91) }),
    );
    expect(tooLong.code).toBe('grant.beyond_max');
    expect(await getUserMapping(deps, 'cap-target')).toBeNull();
    await setMember(deps, { grantor: owner, lob: 'lob-a', username: 'cap-target', until: day(90) });
    expect((await getUserMapping(deps, 'cap-target'))?.memberships).toMatchObject([
      { lob: 'lob-a', until: day(90), grantedBy: 'owner-lob-a' },
    ]);
    await setMember(deps, { grantor: admin, lob: 'lob-a', username: 'cap-target', until: undefined });
    expect((await getUserMapping(deps, 'cap-target'))?.memberships[0].until).toBeUndefined();
  });

  it('a request that names the approver is refused and the refusal audited', async () => {
    const request = await createRequest(deps, 'owner-lob-a', {
      lob: 'lob-b',
      justification: 'I need lob-b for the audit',
      days: 7,
    });
    const self = await refusal(approveRequest(deps, 'owner-lob-a', request.id));
    expect(self.code).toBe('request.self_approval');
    expect((await getRequest(deps, request.id))?.status).toBe('pending');
    expect(JSON.parse((await refusedAudits('owner-lob-a'))[0].after!)).toMatchObject({
      refused: 'request.approve',
      request: request.id,
    });
    await denyRequest(deps, 'portal-admin', request.id, 'not needed');
  });
});

describe('Approvals required: 2', () => {
  beforeAll(async () => {
    const lob = await requireLob(deps, 'lob-b');
    const parsed = parseLobFormValues({ ...lobToFormValues(lob), approvalsRequired: '2' });
    if (!parsed.success) throw new Error(JSON.stringify(parsed.fieldErrors));
    await updateLob(deps, 'portal-admin', parsed.input, lob.version);
    expect((await requireLob(deps, 'lob-b')).approvalsRequired).toBe(2);
  });

  it('the LOB form refuses anything but 1 or 2', async () => {
    const lob = await requireLob(deps, 'lob-b');
    const parsed = parseLobFormValues({ ...lobToFormValues(lob), approvalsRequired: '3' });
    expect(parsed).toEqual({
      success: false,
      fieldErrors: { approvalsRequired: 'Approvals required: choose 1 or 2.' },
    });
  });

  it('becomes a membership only with the second, different approver; the fewest days granted win', async () => {
    const request = await createRequest(deps, 'two-step-1', {
      lob: 'lob-b',
      justification: 'Quarterly forecasting work',
      days: 30,
    });
    expect(request.approvalsRequired).toBe(2);
    const first = await approveRequest(deps, 'portal-admin', request.id, 20);
    expect(first).toMatchObject({
      status: 'pending',
      approvals: [{ by: 'portal-admin', days: 20 }],
      approvalsRequired: 2,
    });
    expect(await getUserMapping(deps, 'two-step-1')).toBeNull();
    const again = await refusal(approveRequest(deps, 'portal-admin', request.id));
    expect(again.code).toBe('request.already_approved_by_you');
    expect(await getRequest(deps, request.id)).toMatchObject({
      status: 'pending',
      approvals: [{ by: 'portal-admin' }],
    });

    const second = await approveRequest(deps, 'owner-lob-b', request.id, 30);
    expect(second).toMatchObject({ status: 'approved', decidedBy: 'owner-lob-b', approvedDays: 20 });
    const mapping = await getUserMapping(deps, 'two-step-1');
    expect(mapping?.memberships).toMatchObject([
      { lob: 'lob-b', via: 'request', grantedBy: 'owner-lob-b', until: second.until },
    ]);
    const audit = (await listAudit(deps, { user: 'owner-lob-b', type: 'admin' })).entries.find(
      (e) => e.action === 'request.approve' && e.target === 'two-step-1',
    );
    expect(JSON.parse(audit!.after!)).toMatchObject({ approvers: ['portal-admin', 'owner-lob-b'], approvedDays: 20 });
  });

  it('a denial after the first approval ends it', async () => {
    const request = await createRequest(deps, 'two-step-2', {
      lob: 'lob-b',
      justification: 'Quarterly forecasting work',
      days: 7,
    });
    await approveRequest(deps, 'portal-admin', request.id);
    await denyRequest(deps, 'owner-lob-b', request.id, 'Not this quarter');
    expect((await refusal(approveRequest(deps, 'third-approver', request.id))).code).toBe('request.already_decided');
    expect(await getUserMapping(deps, 'two-step-2')).toBeNull();
  });

  it('two concurrent second approvals give one membership; two concurrent first approvals lose neither', async () => {
    for (let round = 0; round < 3; round++) {
      const requester = `two-step-race-${round}`;
      const request = await createRequest(deps, requester, {
        lob: 'lob-b',
        justification: 'Concurrent approvals test',
        days: 7,
      });
      await approveRequest(deps, 'portal-admin', request.id);
      const outcomes = await Promise.allSettled([
        approveRequest(deps, 'approver-b', request.id),
        approveRequest(deps, 'approver-c', request.id),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason.code).toBe('request.already_decided');
      const mapping = await getUserMapping(deps, requester);
      expect(mapping).toMatchObject({ version: 1, lobs: ['lob-b'] });
      const approves = (await listAudit(deps, { lob: 'lob-b', type: 'admin' }, { limit: 500 })).entries.filter(
        (e) => e.action === 'request.approve' && e.target === requester,
      );
      expect(approves).toHaveLength(1);
    }
    const request = await createRequest(deps, 'two-step-first-race', {
      lob: 'lob-b',
      justification: 'Concurrent approvals test',
      days: 7,
    });
    const both = await Promise.all([
      approveRequest(deps, 'approver-b', request.id),
      approveRequest(deps, 'approver-c', request.id),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual(['approved', 'pending']);
    const decided = await getRequest(deps, request.id);
    expect(decided?.status).toBe('approved');
    expect(decided?.approvals?.map((a) => a.by).sort()).toEqual(['approver-b', 'approver-c']);
    expect((await getUserMapping(deps, 'two-step-first-race'))?.version).toBe(1);
  });
});

describe('Owner entries and rows bound to the pool sub', () => {
  it('an owner username is honoured only for the account it was saved for; the orphans list names the others', async () => {
    const lob = await requireLob(deps, 'lob-b');
    const saved = await updateLob(
      deps,
      'portal-admin',
      { ...lob, owners: { users: ['user-lob-b', 'owner-not-in-pool'], groups: [] } },
      lob.version,
    );
    expect(saved.ownerSubs).toEqual({ 'user-lob-b': subForUsername('user-lob-b') });
    expect(isLobOwner({ username: 'user-lob-b', groups: [], sub: subForUsername('user-lob-b') }, saved)).toBe(true);
    expect(isLobOwner({ username: 'user-lob-b', groups: [], sub: subForUsername('user-lob-b#1') }, saved)).toBe(false);
    expect(isLobOwner({ username: 'owner-not-in-pool', groups: [], sub: 'any' }, saved)).toBe(false);
    expect(await listOrphanedOwners(deps)).toContainEqual({
      lob: 'lob-b',
      username: 'owner-not-in-pool',
      reason: 'user-deleted',
    });
  });

  it('the backfill binds rows written before binding to the pool sub; rows of users not in the pool stay orphaned', async () => {
    const doc = deps.ddb;
    const now = new Date().toISOString();
    for (const username of ['user-lob-b', 'gone-user']) {
      await doc.send(
        new PutCommand({
          TableName: deps.tables.users,
          Item: {
            username,
            lobs: ['lob-b'],
            kind: 'user',
            version: 3,
            createdAt: now,
            updatedAt: now,
            updatedBy: 'old',
          },
        }),
      );
    }
    expect(
      (await listOrphanedMappings(deps))
        .filter((o) => ['user-lob-b', 'gone-user'].includes(o.username))
        .map((o) => [o.username, o.reason]),
    ).toEqual([
      ['gone-user', 'user-deleted'],
      ['user-lob-b', 'unbound'],
    ]);
    const result = await backfillSubs(deps, 'backfill-subs');
    expect(result.bound).toContain('user-lob-b');
    expect(result.missing).toContain('gone-user');
    expect(await getUserMapping(deps, 'user-lob-b')).toMatchObject({ sub: subForUsername('user-lob-b'), version: 3 });
    expect((await backfillSubs(deps, 'backfill-subs')).bound).toEqual([]);
    // A grant to a row bound to an earlier account is refused until it is archived.
    await doc.send(
      new PutCommand({
        TableName: deps.tables.users,
        Item: { username: 'user-lob-a', sub: 'earlier-account', lobs: ['lob-a'], kind: 'user', version: 1 },
      }),
    );
    expect(
      (await refusal(setMember(deps, { grantor: admin, lob: 'lob-b', username: 'user-lob-a', until: day(5) }))).code,
    ).toBe('identity.mismatch');
    expect((await listOrphanedMappings(deps)).find((o) => o.username === 'user-lob-a')?.reason).toBe('sub-mismatch');
    await archiveOrphanedMapping(deps, 'portal-admin', 'user-lob-a', 1);
    expect(await getUserMapping(deps, 'user-lob-a')).toBeNull();
  });
});
