/** Command-line flags named after the option they set: `firstUsers` is `--first-users`. */
export function flagOf(field: string): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The one of `fields` whose flag is `flag`, if any. */
export function fieldOfFlag<F extends string>(fields: readonly F[], flag: string): F | undefined {
  return fields.find((field) => flagOf(field) === flag);
}

/** Simulated per-call latency in milliseconds by service, the stand-ins' knob. */
export type Latency = Record<string, number>;

/**
 * `--name value` pairs over a copy of `defaults`: a number for each number field (`--ended-percent 5`), and
 * `--latency sagemaker=30,sts=30` (or `none`) for `latency`. An unknown flag throws, naming `command`.
 */
export function parseBenchFlags<T extends { latency: Latency }>(command: string, argv: string[], defaults: T): T {
  const args = { ...defaults };
  const numberFields = Object.keys(defaults).filter((k) => typeof defaults[k as keyof T] === 'number');
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    const field = fieldOfFlag(numberFields, flag);
    if (field) Object.assign(args, { [field]: Number(value) });
    else if (flag === '--latency') args.latency = value === 'none' ? {} : parseLatency(value);
    else throw new Error(`${command}: unknown option ${flag}`);
  }
  return args;
}

function parseLatency(value: string): Latency {
  return Object.fromEntries(value.split(',').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]));
}
