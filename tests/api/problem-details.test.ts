import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemResponse } from '@/lib/api/problem';
import { InputInvalidError, PortalError } from '@/lib/errors';

describe('problem details (RFC 9457)', () => {
  it('carries the code, Retry-After on 503 and the bearer challenge on 401', async () => {
    const busy = problemResponse(new PortalError('aws.throttled'), 'req-12345678', '/api/v1/lobs');
    expect(busy.status).toBe(503);
    expect(busy.headers.get('content-type')).toBe('application/problem+json');
    expect(busy.headers.get('retry-after')).toBe('2');
    expect(await busy.json()).toMatchObject({
      type: 'urn:studio-portal:problem:aws.throttled',
      status: 503,
      code: 'aws.throttled',
      requestId: 'req-12345678',
      instance: '/api/v1/lobs',
    });
    const denied = problemResponse(new PortalError('auth.invalid_token'), 'req-12345678');
    expect(denied.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(denied.headers.get('retry-after')).toBeNull();
  });

  it('names the fields of bad input, and hides unknown failures', async () => {
    const parsed = z.object({ until: z.string() }).safeParse({ until: 3 });
    const fields = await problemResponse(parsed.error, 'req-12345678').json();
    expect(fields).toMatchObject({ status: 400, code: 'input.invalid', errors: [{ field: 'until' }] });
    const named = await problemResponse(
      new InputInvalidError('End date: bad.', { details: { field: 'until' } }),
      'r-12345678',
    ).json();
    expect(named.errors).toEqual([{ field: 'until', message: 'End date: bad.' }]);
    const hidden = await problemResponse(new Error('secret detail'), 'req-12345678').json();
    expect(hidden).toMatchObject({ status: 500, code: 'internal' });
    expect(JSON.stringify(hidden)).not.toContain('secret detail');
  });
});
