/** ETags of versioned items (`"<version>"`, strong) and the If-Match an update must send. */
import { PortalError } from '@/lib/errors';
import { RequestFieldsError } from './problem';

export const formatEtag = (version: number) => `"${version}"`;

/** The version an If-Match names: 428 when absent, 400 when it is not one strong ETag of ours. */
export function parseIfMatch(header: string | null): number {
  if (header === null || header.trim() === '') throw new PortalError('precondition.required');
  const match = /^\s*"(\d{1,15})"\s*$/.exec(header);
  if (!match) {
    throw new RequestFieldsError([
      {
        field: 'header.If-Match',
        message: 'Send the one ETag you read, e.g. If-Match: "3" (weak ETags and * are not accepted).',
      },
    ]);
  }
  return Number(match[1]);
}

/** 412, nothing changed, when the item is no longer at the version If-Match named. */
export function requireVersion(current: number, ifMatch: number, what: string): void {
  if (current !== ifMatch)
    throw new PortalError(
      'precondition.failed',
      `${what} is at ETag ${formatEtag(current)}, not ${formatEtag(ifMatch)}: read it again.`,
    );
}
