/** Every /api/v1 operation: the OpenAPI document lists exactly these; the drift test checks the route files. */
import type { ApiOperation } from './operation';
import { EMERGENCY_OPERATIONS } from './resources/emergency';
import { LOB_OPERATIONS } from './resources/lobs';
import { MEMBER_OPERATIONS } from './resources/members';
import { REPORT_OPERATIONS } from './resources/reports';
import { REQUEST_OPERATIONS } from './resources/requests';
import { REVIEW_OPERATIONS } from './resources/reviews';

export const API_OPERATIONS: readonly ApiOperation[] = [
  ...LOB_OPERATIONS,
  ...MEMBER_OPERATIONS,
  ...REQUEST_OPERATIONS,
  ...EMERGENCY_OPERATIONS,
  ...REVIEW_OPERATIONS,
  ...REPORT_OPERATIONS,
];
