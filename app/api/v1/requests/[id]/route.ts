import { getRequestOp } from '@/lib/api/resources/requests';
import { apiRoute } from '@/lib/api/route';

export const GET = apiRoute(getRequestOp);
