import { z } from "zod";
import { coerceError } from "@nightshift/errors";
import { isWrongLastSequence, type KV } from "@nightshift/messaging";
import type { Notification, NotificationChannel } from "./channel.ts";
import { isChannelError } from "./channel-error.ts";

/** Per notification and channel, in the notifications bucket under `d.<id>.<channel>`. */
const DeliveryState = z.strictObject({
  state: z.enum(["sending", "sent", "failed", "gave-up"]),
  attempts: z.number().int().nonnegative(),
  at: z.number(),
  by: z.string(),
  nextAt: z.number().optional(),
  error: z.string().optional(),
});
type DeliveryState = z.infer<typeof DeliveryState>;

export type ChannelOutcome =
  | { done: true; result: "sent" | "gave-up" | "declined" | "already" }
  | { done: false; retryInMs: number; error?: string };

export interface DeliveryOptions {
  kv: KV;
  instance: string;
  maxAttempts: number;
  retryDelayMs: number;
  retryMaxDelayMs: number;
  /** A `sending` claim older than this belongs to a sender that died. */
  claimTtlMs: number;
  now?: () => number;
}

/** Delay before attempt `attempts + 1`: the first retry delay, doubled per attempt, capped. */
export function retryDelay(attempts: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, attempts - 1));
}

type Claim = { rev: number; attempts: number } | ChannelOutcome;

/**
 * Sends each notification once per channel: a channel's state is claimed by CAS before
 * sending and marked `sent` after, so redeliveries, restarts and concurrent notifiers skip
 * it, and a retry of one channel never resends to the others.
 */
export class Deliveries {
  readonly #o: DeliveryOptions;
  readonly #now: () => number;
  constructor(opts: DeliveryOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
  }

  key(n: Notification, channel: string): string {
    return `d.${n.id}.${channel}`;
  }

  async state(n: Notification, channel: string): Promise<DeliveryState | undefined> {
    const e = await this.#o.kv.get(this.key(n, channel));
    if (!e || e.operation !== "PUT") return undefined;
    return DeliveryState.parse(e.json());
  }

  async #claim(key: string): Promise<Claim> {
    for (let i = 0; i < 10; i++) {
      const now = this.#now();
      const e = await this.#o.kv.get(key);
      const cur = e && e.operation === "PUT" ? DeliveryState.parse(e.json()) : undefined;
      if (cur?.state === "sent" || cur?.state === "gave-up")
        return { done: true, result: "already" };
      if (cur?.state === "sending" && now - cur.at < this.#o.claimTtlMs)
        return { done: false, retryInMs: this.#o.claimTtlMs - (now - cur.at) };
      if (cur?.state === "failed" && cur.nextAt !== undefined && now < cur.nextAt)
        return { done: false, retryInMs: cur.nextAt - now };
      const attempts = (cur?.attempts ?? 0) + 1;
      const next: DeliveryState = { state: "sending", attempts, at: now, by: this.#o.instance };
      try {
        const rev = e
          ? await this.#o.kv.update(key, JSON.stringify(next), e.revision)
          : await this.#o.kv.create(key, JSON.stringify(next));
        return { rev, attempts };
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    return { done: false, retryInMs: 1_000 };
  }

  async #write(key: string, value: DeliveryState, rev: number): Promise<void> {
    try {
      await this.#o.kv.update(key, JSON.stringify(value), rev);
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err;
      // Our claim was taken over after it went stale. A send that happened still counts.
      if (value.state === "sent") await this.#o.kv.put(key, JSON.stringify(value));
    }
  }

  /** Delivers `n` on `channel` unless that already happened; says when to try again if it failed. */
  async deliver(n: Notification, channel: NotificationChannel): Promise<ChannelOutcome> {
    if (channel.accepts && !channel.accepts(n)) return { done: true, result: "declined" };
    const key = this.key(n, channel.name);
    const claim = await this.#claim(key);
    if ("done" in claim) return claim;
    const base = { attempts: claim.attempts, by: this.#o.instance };
    try {
      await channel.send(n);
    } catch (thrown) {
      const err = coerceError(thrown);
      const now = this.#now();
      const permanent = isChannelError(err) && !err.retryable;
      if (permanent || claim.attempts >= this.#o.maxAttempts) {
        await this.#write(
          key,
          { ...base, state: "gave-up", at: now, error: err.message },
          claim.rev,
        );
        return { done: true, result: "gave-up" };
      }
      const delay =
        (isChannelError(err) ? err.retryAfterMs : undefined) ??
        retryDelay(claim.attempts, this.#o.retryDelayMs, this.#o.retryMaxDelayMs);
      await this.#write(
        key,
        { ...base, state: "failed", at: now, nextAt: now + delay, error: err.message },
        claim.rev,
      );
      return { done: false, retryInMs: delay, error: err.message };
    }
    await this.#write(key, { ...base, state: "sent", at: this.#now() }, claim.rev);
    return { done: true, result: "sent" };
  }
}
