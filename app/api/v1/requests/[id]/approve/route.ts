import { approveRequestOp } from '@/lib/api/resources/requests';
import { apiRoute } from '@/lib/api/route';

export const POST = apiRoute(approveRequestOp);
