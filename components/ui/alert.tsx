import type { ReactNode } from 'react';

type Tone = 'error' | 'info' | 'warning';

const TONES: Record<Tone, string> = {
  error: 'border-red-300 bg-red-50 text-red-900',
  warning: 'border-amber-300 bg-amber-50 text-amber-900',
  info: 'border-sky-300 bg-sky-50 text-sky-900',
};

export function Alert({
  tone = 'info',
  title,
  children,
  testId,
}: {
  tone?: Tone;
  title?: string;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div
      className={`rounded-md border px-4 py-3 text-sm ${TONES[tone]}`}
      data-testid={testId}
      role={tone === 'error' ? 'alert' : 'status'}
    >
      {title && <p className="font-semibold">{title}</p>}
      {children && <div className={title ? 'mt-1' : ''}>{children}</div>}
    </div>
  );
}

/** "Reference: <request id>" line users can quote to support. */
export function RequestIdNote({ requestId }: { requestId: string }) {
  return (
    <p className="mt-2 text-xs opacity-80">
      Reference: <code data-testid="request-id">{requestId}</code>
    </p>
  );
}
