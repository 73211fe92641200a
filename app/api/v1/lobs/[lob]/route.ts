import { getLobOp, updateLobOp } from '@/lib/api/resources/lobs';
import { apiRoute } from '@/lib/api/route';

export const GET = apiRoute(getLobOp);
export const PATCH = apiRoute(updateLobOp);
