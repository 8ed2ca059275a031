/** A GitHub account as the API shows it. */
export interface Account {
  login: string;
  type?: string | undefined;
}

export type Verdict = { ok: true } | { ok: false; why: string };

export interface TriggerPolicyOptions {
  /** The agent's own login; its own actions never trigger it. */
  self: string;
  allowUsers: readonly string[];
  allowBots: readonly string[];
  /** The account's permission on the repository (`admin`, `write`, `read`, `none`). */
  permission: (repo: string, login: string) => Promise<string>;
  /** How long a looked-up permission is trusted. */
  cacheMs?: number;
  now?: () => number;
}

/** Bots by type, and by name: anything ending in `[bot]` counts, whatever its type says. */
export function isBot(a: Account): boolean {
  return a.type === "Bot" || /\[bot\]$/i.test(a.login);
}

const WRITE = new Set(["admin", "maintain", "write"]);

/**
 * Who may start work: people with write permission on the repository, or on the
 * allowlist. Bots and the agent itself are ignored unless allowed by name.
 */
export class TriggerPolicy {
  readonly #o: TriggerPolicyOptions;
  readonly #cache = new Map<string, { perm: string; at: number }>();

  constructor(o: TriggerPolicyOptions) {
    this.#o = o;
  }

  async check(repo: string, who: Account | null | undefined): Promise<Verdict> {
    if (!who) return { ok: false, why: "no author" };
    const login = who.login.toLowerCase();
    // Bots and the agent itself only by name: a name on this list is trusted as is.
    if (this.#o.allowBots.some((b) => b.toLowerCase() === login)) return { ok: true };
    if (login === this.#o.self.toLowerCase()) return { ok: false, why: "the agent's own action" };
    if (isBot(who)) return { ok: false, why: `${who.login} is a bot` };
    if (this.#o.allowUsers.some((u) => u.toLowerCase() === login)) return { ok: true };
    const perm = await this.#permission(repo, who.login);
    return WRITE.has(perm)
      ? { ok: true }
      : { ok: false, why: `${who.login} has ${perm} permission on ${repo}` };
  }

  async #permission(repo: string, login: string): Promise<string> {
    const now = (this.#o.now ?? Date.now)();
    const key = `${repo}\n${login}`.toLowerCase();
    const hit = this.#cache.get(key);
    if (hit && now - hit.at < (this.#o.cacheMs ?? 300_000)) return hit.perm;
    const perm = await this.#o.permission(repo, login);
    this.#cache.set(key, { perm, at: now });
    return perm;
  }
}
