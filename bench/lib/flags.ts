/** Command-line flags named after the option they set: `firstUsers` is `--first-users`. */
export function flagOf(field: string): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The one of `fields` whose flag is `flag`, if any. */
export function fieldOfFlag<F extends string>(fields: readonly F[], flag: string): F | undefined {
  return fields.find((field) => flagOf(field) === flag);
}
