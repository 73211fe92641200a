/** The portal's internal jobs route, called as the schedule calls it (lib/admin/scheduled-jobs.ts). */

/** POSTs `body` (the job token, `{ token }`, and anything else the schedule sends) to /api/internal/jobs. */
export function postJob(portalUrl: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${portalUrl}/api/internal/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
