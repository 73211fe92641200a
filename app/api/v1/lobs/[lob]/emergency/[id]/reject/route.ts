import { rejectEmergencyOp } from '@/lib/api/resources/emergency';
import { apiRoute } from '@/lib/api/route';

export const POST = apiRoute(rejectEmergencyOp);
