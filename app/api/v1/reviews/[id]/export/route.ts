import { exportReviewOp } from '@/lib/api/resources/reviews';
import { apiRoute } from '@/lib/api/route';

export const GET = apiRoute(exportReviewOp);
