import { listReviewsOp, startReviewOp } from '@/lib/api/resources/reviews';
import { apiRoute } from '@/lib/api/route';

export const GET = apiRoute(listReviewsOp);
export const POST = apiRoute(startReviewOp);
