import type { KV } from "@nats-io/kv";
import { JetStreamApiError } from "@nats-io/jetstream";

/**
 * A compare-and-set lost: 10071, or 10164 (the constant form a clustered server answers
 * when another write of the same key is still being replicated, i.e. under contention).
 */
const WRONG_LAST_SEQUENCE = new Set([10071, 10164]);

export interface LeaseHolder {
  owner: string;
  taskId: string;
  acquiredAt: string;
}

/** A held lease. `fence` is the KV revision: strictly increasing, so stale holders can be refused. */
export interface Lease {
  readonly key: string;
  /** The current revision; changes on every renewal. */
  fence(): number;
  /** The revision the lease was first acquired with. */
  readonly acquiredFence: number;
  /**
   * When (performance.now()) the request behind the current revision was sent: the lease
   * holds for its TTL from about then, however late the answer arrived.
   */
  renewedAt(): number;
  /**
   * Renews with CAS on the last revision; false when the lease was lost. Calls made while
   * a renewal is in flight share its answer.
   */
  renew(): Promise<boolean>;
  /** Deletes the key only if this holder still has it. */
  release(): Promise<void>;
}

function isWrongLastSequence(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return WRONG_LAST_SEQUENCE.has(err.code);
  return err instanceof Error && /wrong last sequence/i.test(err.message);
}

/**
 * Acquires `key` with `create` (CAS on "absent"). Resolves `undefined` when someone
 * else holds it. Ownership is decided only by CAS results, never by `get()`.
 */
export async function acquireLease(
  kv: KV,
  key: string,
  holder: LeaseHolder,
): Promise<Lease | undefined> {
  const body = JSON.stringify(holder);
  let rev: number;
  let renewedAt = performance.now();
  try {
    rev = await kv.create(key, body);
  } catch (err) {
    if (isWrongLastSequence(err)) return undefined;
    throw err;
  }
  const acquired = rev;
  let lost = false;
  // One renewal at a time: a second one racing the first would carry the same revision,
  // lose the compare-and-set to its own holder and take the lease for lost.
  let renewing: Promise<boolean> | undefined;
  const renewOnce = async (): Promise<boolean> => {
    if (lost) return false;
    const sent = performance.now();
    try {
      rev = await kv.update(key, body, rev);
      renewedAt = sent;
      return true;
    } catch (err) {
      if (isWrongLastSequence(err)) {
        lost = true;
        return false;
      }
      throw err;
    }
  };
  return {
    key,
    acquiredFence: acquired,
    fence: () => rev,
    renewedAt: () => renewedAt,
    renew() {
      renewing ??= renewOnce().finally(() => {
        renewing = undefined;
      });
      return renewing;
    },
    async release() {
      // A renewal in flight moves the revision the conditional delete must name.
      await renewing?.catch(() => undefined);
      if (lost) return;
      lost = true;
      try {
        await kv.delete(key, { previousSeq: rev });
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    },
  };
}

/** Reads who holds a lease, for status display only (never for ownership decisions). */
export async function leaseHolder(kv: KV, key: string): Promise<LeaseHolder | undefined> {
  const e = await kv.get(key);
  if (!e || e.operation !== "PUT") return undefined;
  try {
    return e.json<LeaseHolder>();
  } catch {
    return undefined;
  }
}

export { isWrongLastSequence };
