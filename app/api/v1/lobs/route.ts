import { createLobOp, listLobsOp } from '@/lib/api/resources/lobs';
import { apiRoute } from '@/lib/api/route';

export const GET = apiRoute(listLobsOp);
export const POST = apiRoute(createLobOp);
