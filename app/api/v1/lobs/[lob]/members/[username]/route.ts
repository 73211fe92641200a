import { getMemberOp, removeMemberOp, updateMemberOp } from '@/lib/api/resources/members';
import { apiRoute } from '@/lib/api/route';

export const GET = apiRoute(getMemberOp);
export const PATCH = apiRoute(updateMemberOp);
export const DELETE = apiRoute(removeMemberOp);
