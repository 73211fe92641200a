/**
 * oidc-provider storage for the stand-in: a Map with expiry. Unlike oidc-provider's quick-start
 * adapter it has no 1000-entry cap (benchmarks run many sign-ins at once), and it is shared by the
 * provider instances that key rotation creates.
 */
interface Entry {
  payload: Record<string, unknown>;
  expiresAt?: number;
}

const store = new Map<string, Entry>();
const grants = new Map<string, Set<string>>();
let writes = 0;

function live(key: string): Entry | undefined {
  const entry = store.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
    store.delete(key);
    return undefined;
  }
  return entry;
}

function prune(): void {
  const now = Date.now();
  for (const [key, entry] of store) if (entry.expiresAt !== undefined && entry.expiresAt <= now) store.delete(key);
}

export class MemoryAdapter {
  constructor(private readonly model: string) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    store.set(key, { payload: { ...payload }, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    if (typeof payload.grantId === 'string') {
      const set = grants.get(payload.grantId) ?? new Set<string>();
      set.add(key);
      grants.set(payload.grantId, set);
    }
    if (typeof payload.uid === 'string')
      store.set(`uid:${this.model}:${payload.uid}`, { payload: { id }, expiresAt: store.get(key)!.expiresAt });
    if (typeof payload.userCode === 'string')
      store.set(`userCode:${payload.userCode}`, { payload: { id }, expiresAt: store.get(key)!.expiresAt });
    if (++writes % 1000 === 0) prune();
  }

  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const entry = live(this.key(id));
    return entry ? { ...entry.payload } : undefined;
  }

  async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
    const ref = live(`uid:${this.model}:${uid}`);
    return ref ? this.find(String(ref.payload.id)) : undefined;
  }

  async findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
    const ref = live(`userCode:${userCode}`);
    return ref ? this.find(String(ref.payload.id)) : undefined;
  }

  async consume(id: string): Promise<void> {
    const entry = live(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of grants.get(grantId) ?? []) store.delete(key);
    grants.delete(grantId);
  }
}
