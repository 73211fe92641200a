import { disableLobOp } from '@/lib/api/resources/lobs';
import { apiRoute } from '@/lib/api/route';

export const POST = apiRoute(disableLobOp);
