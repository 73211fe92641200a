import { z } from 'zod';

/** C0 and C1 control characters, DEL, and the Unicode line/paragraph separators and bidi overrides. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Free text a person types (comments, reasons, names): trimmed, and refused when it holds a control
 * character, with a message naming `field` (leave it empty where the caller names the field itself). `multiLine` allows line breaks (a textarea; CRLF is stored as
 * LF) and nothing else. Exports neutralise formulas anyway (lib/admin/csv.ts); this keeps tabs, escape
 * sequences and direction overrides out of what reviewers and auditors read.
 */
export function freeText(field: string, options: { multiLine?: boolean } = {}) {
  return z
    .string()
    .overwrite((s) => (options.multiLine ? s.replace(/\r\n?/g, '\n') : s))
    .trim()
    .refine((s) => !CONTROL.test(options.multiLine ? s.replace(/\n/g, '') : s), {
      message: `${field ? `${field}: r` : 'R'}emove control characters (tabs, ${options.multiLine ? '' : 'line breaks, '}escape or direction marks); use plain text.`,
    });
}
