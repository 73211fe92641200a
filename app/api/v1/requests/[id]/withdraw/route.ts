import { withdrawRequestOp } from '@/lib/api/resources/requests';
import { apiRoute } from '@/lib/api/route';

export const POST = apiRoute(withdrawRequestOp);
