import { createRequestOp, listRequestsOp } from '@/lib/api/resources/requests';
import { apiRoute } from '@/lib/api/route';

export const GET = apiRoute(listRequestsOp);
export const POST = apiRoute(createRequestOp);
