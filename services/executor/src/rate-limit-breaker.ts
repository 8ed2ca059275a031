import { Keys } from "@nightshift/contracts";
import type { KV } from "@nightshift/messaging";
import { isWrongLastSequence } from "@nightshift/messaging";

/** A provider account's breaker in the control bucket: tasks for it wait until `until`. */
export interface Breaker {
  until: string;
  source: string;
  trippedAt: string;
}

/**
 * The open breaker of an account (a backend), if its provider said to wait and the time
 * has not come: every executor then holds that account's tasks instead of hammering it.
 */
export async function openBreaker(
  control: KV,
  account: string,
  now = new Date(),
): Promise<Breaker | undefined> {
  const e = await control.get(Keys.rateLimit(account));
  if (!e || e.operation !== "PUT") return undefined;
  try {
    const b = e.json<Breaker>();
    return Date.parse(b.until) > now.getTime() ? b : undefined;
  } catch {
    return undefined;
  }
}

/** Opens (or extends) the breaker until the provider's reset time; never shortens it. */
export async function tripBreaker(
  control: KV,
  account: string,
  until: Date,
  source: string,
): Promise<void> {
  const key = Keys.rateLimit(account);
  for (let i = 0; i < 10; i++) {
    const e = await control.get(key);
    let current: Breaker | undefined;
    try {
      current = e?.operation === "PUT" ? e.json<Breaker>() : undefined;
    } catch {
      current = undefined;
    }
    if (current && Date.parse(current.until) >= until.getTime()) return;
    const next: Breaker = {
      until: until.toISOString(),
      source,
      trippedAt: new Date().toISOString(),
    };
    try {
      if (e && e.operation === "PUT") await control.update(key, JSON.stringify(next), e.revision);
      else await control.put(key, JSON.stringify(next));
      return;
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err;
    }
  }
}
