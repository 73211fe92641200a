import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@/lib/log';
import { REDACTED, redact, redactString } from '@/lib/redact';

/** The redaction every log line passes through (lib/log.ts). */
describe('redact', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLWxvYi1hIn0.c2lnbmF0dXJlLXZhbHVl';

  it('replaces values under secret-looking keys', () => {
    expect(
      redact({ accessToken: 'abc', password: 'p', cookie: 'c', clientSecret: 's', url: 'https://x', lob: 'lob-a' }),
    ).toEqual({
      accessToken: REDACTED,
      password: REDACTED,
      cookie: REDACTED,
      clientSecret: REDACTED,
      url: REDACTED,
      lob: 'lob-a',
    });
  });

  it('keeps non-secret numbers such as sessionDurationSeconds', () => {
    expect(redact({ sessionDurationSeconds: 43200 })).toEqual({ sessionDurationSeconds: 43200 });
  });

  it('scrubs JWTs, bearer tokens and signed query strings out of free text and errors', () => {
    expect(redactString(`token ${jwt} here`)).toBe(`token ${REDACTED} here`);
    expect(redactString('Authorization: Bearer abc.def')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactString('https://d-x.studio.us-east-1.sagemaker.aws/auth?token=secret123&x=1')).toBe(
      `https://d-x.studio.us-east-1.sagemaker.aws/auth?token=${REDACTED}&x=1`,
    );
    expect(JSON.stringify(redact(new Error(`bad ${jwt}`)))).not.toContain('eyJ');
  });

  it('logs JSON lines through it', () => {
    const lines: string[] = [];
    createMemoryLogger(lines)
      .child({ requestId: 'r-123456789' })
      .info('launch.success', { presignedUrl: 'https://x/auth?token=abc', lob: 'lob-a' });
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'info',
      msg: 'launch.success',
      requestId: 'r-123456789',
      presignedUrl: REDACTED,
      lob: 'lob-a',
    });
  });
});
