import { addMemberOp, listMembersOp } from '@/lib/api/resources/members';
import { apiRoute } from '@/lib/api/route';

export const GET = apiRoute(listMembersOp);
export const POST = apiRoute(addMemberOp);
