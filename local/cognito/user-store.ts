/**
 * The Cognito stand-in's user pool: users kept in a Map plus a username-sorted array, so that
 * ListUsers prefix/equality filters and pagination stay fast with 100,000 users (binary search).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type UserStatus = 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD';

export interface PoolUser {
  username: string;
  sub: string;
  email: string;
  emailVerified: boolean;
  attributes: Record<string, string>;
  groups: Set<string>;
  enabled: boolean;
  status: UserStatus;
  createdAt: Date;
  updatedAt: Date;
  passwordSalt: Buffer;
  passwordHash: Buffer;
}

/** A Cognito API error: `name` is the AWS exception name, returned as __type. */
export class CognitoApiError extends Error {
  constructor(
    readonly name: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const PASSWORD_RULES: Array<[RegExp, string]> = [
  [/.{8,}/, 'Password not long enough'],
  [/[a-z]/, 'Password must have lowercase characters'],
  [/[A-Z]/, 'Password must have uppercase characters'],
  [/[0-9]/, 'Password must have numeric characters'],
  [/[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/, 'Password must have symbol characters'],
];

/** Cognito's default password policy. */
export function assertPasswordPolicy(password: string): void {
  for (const [rule, message] of PASSWORD_RULES) {
    if (!rule.test(password))
      throw new CognitoApiError('InvalidPasswordException', `Password did not conform with policy: ${message}`);
  }
}

/** Cognito usernames: 1-128 chars of \p{L}\p{M}\p{S}\p{N}\p{P}. */
export function assertUsername(username: unknown): asserts username is string {
  if (typeof username !== 'string' || !/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(username)) {
    throw new CognitoApiError(
      'InvalidParameterException',
      "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
    );
  }
}

/** A stable UUID-shaped sub per username (same user -> same sub across restarts). */
export function subForUsername(username: string): string {
  const h = createHash('sha256').update(`studio-portal-local:${username}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function hashPassword(password: string, salt: Buffer): Buffer {
  // A fast salted hash is enough for an in-memory stand-in (bulk-loading 100k users must stay quick).
  return createHash('sha256').update(salt).update(password).digest();
}

export interface NewUser {
  username: string;
  password: string;
  email?: string;
  groups?: string[];
  status?: UserStatus;
  attributes?: Record<string, string>;
}

export interface ListUsersPage {
  users: PoolUser[];
  paginationToken?: string;
}

export class UserStore {
  private readonly byName = new Map<string, PoolUser>();
  private readonly bySub = new Map<string, PoolUser>();
  private sorted: string[] = [];
  readonly groups = new Map<string, { name: string; description?: string; createdAt: Date }>();

  get size(): number {
    return this.byName.size;
  }

  get(username: string): PoolUser | undefined {
    return this.byName.get(username);
  }

  getBySub(sub: string): PoolUser | undefined {
    return this.bySub.get(sub);
  }

  /** Looks a user up by username, or by sub as Cognito does for sign-in aliases. */
  resolve(usernameOrSub: string): PoolUser | undefined {
    return this.byName.get(usernameOrSub) ?? this.bySub.get(usernameOrSub);
  }

  addGroup(name: string, description?: string): void {
    if (!this.groups.has(name)) this.groups.set(name, { name, description, createdAt: new Date() });
  }

  /** Usernames deleted so far, how often: a user created again under a deleted name gets a new `sub`, as in Cognito. */
  private readonly deletions = new Map<string, number>();

  /** The `sub` of a new user: stable for the first user of a name (demo data), new for each re-creation after a delete. */
  private subFor(username: string): string {
    const deleted = this.deletions.get(username) ?? 0;
    return subForUsername(deleted ? `${username}#${deleted}` : username);
  }

  private build(input: NewUser, shared?: { salt: Buffer; hashes: Map<string, Buffer> }): PoolUser {
    const now = new Date();
    const salt = shared?.salt ?? randomBytes(8);
    let hash = shared?.hashes.get(input.password);
    if (!hash) {
      hash = hashPassword(input.password, salt);
      shared?.hashes.set(input.password, hash);
    }
    const user: PoolUser = {
      username: input.username,
      sub: this.subFor(input.username),
      email: input.email ?? `${input.username}@example.com`,
      emailVerified: true,
      attributes: { ...(input.attributes ?? {}) },
      groups: new Set(input.groups ?? []),
      enabled: true,
      status: input.status ?? 'CONFIRMED',
      createdAt: now,
      updatedAt: now,
      passwordSalt: salt,
      passwordHash: hash,
    };
    for (const group of user.groups) this.addGroup(group);
    return user;
  }

  create(input: NewUser): PoolUser {
    if (this.byName.has(input.username))
      throw new CognitoApiError('UsernameExistsException', 'User account already exists');
    const user = this.build(input);
    this.byName.set(user.username, user);
    this.bySub.set(user.sub, user);
    this.sorted.splice(this.lowerBound(user.username), 0, user.username);
    return user;
  }

  /** Adds many users at once (one sort instead of one insertion each); existing usernames are replaced. */
  bulkCreate(inputs: NewUser[]): number {
    // One salt per batch: benchmark fixtures share a few passwords, so each is hashed once.
    const shared = { salt: randomBytes(8), hashes: new Map<string, Buffer>() };
    for (const input of inputs) {
      const user = this.build(input, shared);
      if (!this.byName.has(user.username)) this.sorted.push(user.username);
      this.byName.set(user.username, user);
      this.bySub.set(user.sub, user);
    }
    this.sorted.sort(compareUsernames);
    return inputs.length;
  }

  delete(username: string): void {
    const user = this.byName.get(username);
    if (!user) throw new CognitoApiError('UserNotFoundException', 'User does not exist.');
    this.byName.delete(username);
    this.bySub.delete(user.sub);
    this.deletions.set(username, (this.deletions.get(username) ?? 0) + 1);
    const index = this.lowerBound(username);
    if (this.sorted[index] === username) this.sorted.splice(index, 1);
  }

  setPassword(user: PoolUser, password: string, permanent: boolean): void {
    user.passwordSalt = randomBytes(8);
    user.passwordHash = hashPassword(password, user.passwordSalt);
    user.status = permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
    user.updatedAt = new Date();
  }

  checkPassword(user: PoolUser, password: string): boolean {
    return timingSafeEqual(hashPassword(password, user.passwordSalt), user.passwordHash);
  }

  private lowerBound(username: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareUsernames(this.sorted[mid], username) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * ListUsers with an optional parsed filter. username filters use the sorted array; other
   * attributes fall back to a scan. The pagination token is the last username returned.
   */
  list(filter: ListFilter | undefined, limit: number, paginationToken?: string): ListUsersPage {
    const after = paginationToken === undefined ? undefined : decodePaginationToken(paginationToken);
    const users: PoolUser[] = [];
    let index = after === undefined ? 0 : this.lowerBound(after);
    if (after !== undefined && this.sorted[index] === after) index += 1;

    if (filter && filter.attribute === 'username') {
      if (after === undefined || compareUsernames(after, filter.value) < 0)
        index = Math.max(index, this.lowerBound(filter.value));
      for (; index < this.sorted.length && users.length < limit; index += 1) {
        const name = this.sorted[index];
        if (filter.op === '=' ? name !== filter.value : !name.startsWith(filter.value)) break;
        users.push(this.byName.get(name)!);
      }
      const next = this.sorted[index];
      const more = next !== undefined && (filter.op === '=' ? next === filter.value : next.startsWith(filter.value));
      return {
        users,
        paginationToken: more && users.length > 0 ? encodePaginationToken(users[users.length - 1].username) : undefined,
      };
    }

    for (; index < this.sorted.length && users.length < limit; index += 1) {
      const user = this.byName.get(this.sorted[index])!;
      if (!filter || matchesFilter(user, filter)) users.push(user);
    }
    let more = false;
    for (let probe = index; probe < this.sorted.length; probe += 1) {
      if (!filter || matchesFilter(this.byName.get(this.sorted[probe])!, filter)) {
        more = true;
        break;
      }
    }
    return {
      users,
      paginationToken: more && users.length > 0 ? encodePaginationToken(users[users.length - 1].username) : undefined,
    };
  }
}

/** Code-unit order, as a plain `<` on strings (what a sorted username index gives). */
function compareUsernames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ListFilter {
  attribute: string;
  op: '=' | '^=';
  value: string;
}

const FILTERABLE = new Set([
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'cognito:user_status',
  'status',
  'sub',
]);

/** Parses Cognito's ListUsers Filter: `attribute = "value"` or `attribute ^= "value"`. */
export function parseListFilter(filter: string | undefined): ListFilter | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  const match = /^\s*"?([\w:]+)"?\s*(\^=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  if (!match || !FILTERABLE.has(match[1])) {
    throw new CognitoApiError('InvalidParameterException', 'Error while parsing filter.');
  }
  return { attribute: match[1], op: match[2] as '=' | '^=', value: match[3].replace(/\\(.)/g, '$1') };
}

function attributeValue(user: PoolUser, attribute: string): string | undefined {
  switch (attribute) {
    case 'username':
      return user.username;
    case 'email':
      return user.email;
    case 'sub':
      return user.sub;
    case 'cognito:user_status':
      return user.status;
    case 'status':
      return user.enabled ? 'Enabled' : 'Disabled';
    default:
      return user.attributes[attribute];
  }
}

function matchesFilter(user: PoolUser, filter: ListFilter): boolean {
  const value = attributeValue(user, filter.attribute);
  if (value === undefined) return false;
  return filter.op === '=' ? value === filter.value : value.startsWith(filter.value);
}

function encodePaginationToken(username: string): string {
  return Buffer.from(JSON.stringify({ after: username })).toString('base64url');
}

function decodePaginationToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the AWS error below
  }
  throw new CognitoApiError('InvalidParameterException', 'Invalid pagination token.');
}

/** The Cognito attribute list of a user (what AdminGetUser and ListUsers return). */
export function userAttributes(user: PoolUser): Array<{ Name: string; Value: string }> {
  return [
    { Name: 'sub', Value: user.sub },
    { Name: 'email', Value: user.email },
    { Name: 'email_verified', Value: String(user.emailVerified) },
    ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
  ];
}
