/** /api/v1/lobs/{lob}/members: the console's member list and its changes (owners of the LOB, platform admins). */
import { z } from 'zod';
import { nowOf } from '@/lib/admin/deps';
import { listMembers, parseUntil, removeMember, setMember } from '@/lib/admin/members';
import { getUserMapping } from '@/lib/directory/users';
import { usernameSchema } from '@/lib/admin/validation';
import type { LobMembership } from '@/lib/directory/users';
import { isMembershipActive } from '@/lib/directory/items';
import type { UserMapping } from '@/lib/directory/types';
import { PortalError } from '@/lib/errors';
import type { AdminDeps } from '@/lib/admin/deps';
import { managersOf } from '../authorize';
import { grantorOf } from '../callers';
import { operationsOf, withVersion } from '../operation';
import { lobParam, memberParams, memberSchema, pageOf, pageQuery, untilDay } from '../schemas';
import { pick } from '@/lib/pick';

const op = operationsOf('Members', { read: 'members.read', write: 'members.write' });

type Member = z.input<typeof memberSchema>;

function memberOf(m: LobMembership): Member {
  return pick(m, ['username', 'lob', 'until', 'via', 'grantedBy', 'grantedAt', 'version']);
}

/** The membership of `lob` in a user's row that is active now, if any. */
export const activeMembershipOf = (deps: AdminDeps, mapping: UserMapping | null, lob: string) =>
  mapping?.memberships.find((x) => x.lob === lob && isMembershipActive(x, nowOf(deps)));

/** The active membership of `username` in `lob` from their row, or 404. */
function activeMember(deps: AdminDeps, mapping: UserMapping | null, lob: string, username: string): Member {
  const m = activeMembershipOf(deps, mapping, lob);
  if (!mapping || !m) throw new PortalError('member.not_found', `${username} is not a member of ${lob}.`);
  return memberOf({ ...m, username: mapping.username, version: mapping.version });
}

/** The active membership as stored now, or 404. */
async function currentMember(deps: AdminDeps, lob: string, username: string): Promise<Member> {
  return activeMember(deps, await getUserMapping(deps, username), lob, username);
}

/** The end date as the console's form takes it (same rule: a day ahead, or none). */
const untilOf = (deps: AdminDeps, day: string | null | undefined) => parseUntil(day ?? '', nowOf(deps));

export const listMembersOp = op('get /lobs/{lob}/members', 'listMembers', {
  summary: 'List the active members of a LOB',
  description:
    'Username order. `search` is a username prefix; `expiringWithinDays` keeps memberships ending within that many days.',
  ...managersOf(lobParam, 'member.list'),
  query: pageQuery(1000).extend({
    search: z.string().max(128).optional().meta({ description: 'Username prefix.' }),
    expiringWithinDays: z.coerce.number().int().min(1).max(365).optional(),
  }),
  success: { status: 200, description: 'A page of members.', schema: pageOf(memberSchema, 'MemberPage') },
  handle: async ({ params, query, deps }) => {
    const page = await listMembers(deps, params.lob, {
      limit: query.limit,
      pageToken: query.next,
      prefix: query.search,
      expiringWithinDays: query.expiringWithinDays,
    });
    return { body: { items: page.members.map(memberOf), ...(page.nextToken ? { next: page.nextToken } : {}) } };
  },
});

export const getMemberOp = op('get /lobs/{lob}/members/{username}', 'getMember', {
  summary: 'Get one membership (with its ETag)',
  ...managersOf(memberParams, 'member.get'),
  success: { status: 200, description: 'The membership.', schema: memberSchema, etag: true },
  errors: [404],
  handle: async ({ params, deps }) => withVersion(await currentMember(deps, params.lob, params.username)),
});

export const addMemberOp = op('post /lobs/{lob}/members', 'addMember', {
  summary: 'Add a member (as the console\'s "Add": an existing member gets the new end date)',
  ...managersOf(lobParam, 'member.set'),
  body: z.object({ username: usernameSchema, until: untilDay }).meta({ id: 'NewMember' }),
  idempotent: true,
  success: { status: 201, description: 'Saved.', schema: memberSchema, etag: true },
  errors: [409, 422],
  handle: async ({ caller, params, body, deps }) => {
    const saved = await setMember(deps, {
      grantor: grantorOf(caller),
      lob: params.lob,
      username: body.username,
      until: untilOf(deps, body.until),
    });
    const member = activeMember(deps, saved, params.lob, body.username);
    return { ...withVersion(member), location: `/api/v1/lobs/${params.lob}/members/${body.username}` };
  },
});

export const updateMemberOp = op('patch /lobs/{lob}/members/{username}', 'updateMember', {
  summary: "Change a member's end date (If-Match required)",
  ...managersOf(memberParams, 'member.set'),
  body: z.object({ until: untilDay }).strict().meta({ id: 'MemberPatch' }),
  ifMatch: true,
  success: { status: 200, description: 'Saved.', schema: memberSchema, etag: true },
  errors: [404, 409, 412, 428],
  handle: async ({ caller, params, body, ifMatch, deps }) => {
    await currentMember(deps, params.lob, params.username);
    const saved = await setMember(deps, {
      grantor: grantorOf(caller),
      lob: params.lob,
      username: params.username,
      until: untilOf(deps, body.until),
      expectedVersion: ifMatch,
    });
    const member = activeMember(deps, saved, params.lob, params.username);
    return withVersion(member);
  },
});

export const removeMemberOp = op('delete /lobs/{lob}/members/{username}', 'removeMember', {
  summary: 'Remove a member from a LOB (their other LOBs stay)',
  ...managersOf(memberParams, 'member.remove'),
  success: { status: 204, description: 'Removed.' },
  errors: [404, 409],
  handle: async ({ caller, params, deps }) => {
    await currentMember(deps, params.lob, params.username);
    await removeMember(deps, { actor: caller.actor, lob: params.lob, username: params.username });
    return {};
  },
});

export const MEMBER_OPERATIONS = [listMembersOp, getMemberOp, addMemberOp, updateMemberOp, removeMemberOp];
