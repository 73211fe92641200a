import { listEmergenciesOp } from '@/lib/api/resources/emergency';
import { apiRoute } from '@/lib/api/route';

export const GET = apiRoute(listEmergenciesOp);
