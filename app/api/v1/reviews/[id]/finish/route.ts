import { finishReviewOp } from '@/lib/api/resources/reviews';
import { apiRoute } from '@/lib/api/route';

export const POST = apiRoute(finishReviewOp);
