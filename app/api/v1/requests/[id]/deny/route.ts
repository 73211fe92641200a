import { denyRequestOp } from '@/lib/api/resources/requests';
import { apiRoute } from '@/lib/api/route';

export const POST = apiRoute(denyRequestOp);
