import { queryAuditOp } from '@/lib/api/resources/reports';
import { apiRoute } from '@/lib/api/route';

export const GET = apiRoute(queryAuditOp);
