/**
 * The local identity provider's storage (sessions, interactions, codes, grants) in this
 * process's memory, with expiry. The local provider serves one process by design (the
 * embedded default, demos, tests); production signs in through a real provider instead.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/** An adapter class whose instances share one store per model, owned by one provider. */
export function memoryAdapter(): new (model: string) => Adapter {
  const stores = new Map<string, Map<string, Entry>>();
  return class extends MemoryStore {
    constructor(model: string) {
      let entries = stores.get(model);
      if (!entries) {
        entries = new Map();
        stores.set(model, entries);
      }
      super(entries);
    }
  };
}

class MemoryStore implements Adapter {
  constructor(private readonly entries: Map<string, Entry>) {}

  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }

  upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    // Expired entries are swept on every write, so the maps stay as small as the live state.
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    this.entries.set(id, { payload, expiresAt: now + expiresIn * 1000 });
    return Promise.resolve();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return Promise.resolve(this.live(id)?.payload);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    for (const [id, entry] of this.entries) if (entry.payload.uid === uid) return this.find(id);
    return Promise.resolve(undefined);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    for (const [id, entry] of this.entries) if (entry.payload.userCode === userCode) return this.find(id);
    return Promise.resolve(undefined);
  }

  consume(id: string): Promise<void> {
    const entry = this.live(id);
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.entries.delete(id);
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, entry] of this.entries) if (entry.payload.grantId === grantId) this.entries.delete(id);
    return Promise.resolve();
  }
}
