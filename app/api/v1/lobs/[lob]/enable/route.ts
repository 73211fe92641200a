import { enableLobOp } from '@/lib/api/resources/lobs';
import { apiRoute } from '@/lib/api/route';

export const POST = apiRoute(enableLobOp);
