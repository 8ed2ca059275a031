import { Keys, ScheduleState, type ScheduleSkipReason } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";
import { isWrongLastSequence, type KV } from "@nightshift/messaging";
import type { FireResult } from "./fire-slot.ts";

export interface StoredState {
  state: ScheduleState;
  revision: number;
}

/** What one round of handling a schedule did, to be folded into its state. */
export interface HandledSlots {
  cron: string;
  timezone: string;
  results: readonly FireResult[];
  /** Slots dropped by the missed-run policy. */
  missed: number;
  /** Move the cursor here (it never moves back). */
  cursor?: Date;
  next: readonly Date[];
}

const later = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);

/** Folds handled slots into a schedule's state: cursor forward, counters up, last outcome. */
export function foldState(
  current: ScheduleState | undefined,
  name: string,
  h: HandledSlots,
  by: string,
  now: Date,
): ScheduleState {
  const at = now.toISOString();
  const cursorIso = (h.cursor ?? now).toISOString();
  const skips: Partial<Record<ScheduleSkipReason, number>> = { ...(current?.skips ?? {}) };
  let fires = current?.fires ?? 0;
  for (const r of h.results) {
    if (r.outcome === "published") fires++;
    if (r.outcome === "skipped") skips[r.reason] = (skips[r.reason] ?? 0) + 1;
  }
  if (h.missed > 0) skips.missed = (skips.missed ?? 0) + h.missed;
  const lastResult = h.results[h.results.length - 1];
  const last: ScheduleState["last"] =
    lastResult === undefined
      ? current?.last
      : {
          slot: lastResult.slot.toISOString(),
          outcome: lastResult.outcome,
          ...(lastResult.outcome === "skipped"
            ? { reason: lastResult.reason, detail: lastResult.detail.slice(0, 500) }
            : { taskId: lastResult.taskId }),
          at,
        };
  return {
    v: 1,
    name,
    cron: h.cron,
    timezone: h.timezone,
    cursor: current === undefined ? cursorIso : later(current.cursor, cursorIso),
    next: h.next.map((d) => d.toISOString()),
    fires,
    skips,
    ...(last !== undefined ? { last } : {}),
    updatedAt: at,
    updatedBy: by,
  };
}

/** Schedule states in the cursors bucket, changed only by compare-and-set. */
export class ScheduleStateStore {
  readonly #kv: KV;
  readonly #by: string;
  constructor(kv: KV, by: string) {
    this.#kv = kv;
    this.#by = by;
  }

  async get(name: string): Promise<StoredState | undefined> {
    const e = await this.#kv.get(Keys.scheduleState(name));
    if (!e || e.operation !== "PUT") return undefined;
    const parsed = ScheduleState.safeParse(e.json());
    if (!parsed.success) {
      throw new NightshiftError(
        "INVALID_PAYLOAD",
        `schedule state ${name} is invalid: ${parsed.error.message}`,
      );
    }
    return { state: parsed.data, revision: e.revision };
  }

  /** Records handled slots with CAS, retried on conflicts; returns the state written. */
  async record(name: string, handled: HandledSlots, now = new Date()): Promise<ScheduleState> {
    const key = Keys.scheduleState(name);
    for (let i = 0; i < 20; i++) {
      const current = await this.get(name);
      const next = foldState(current?.state, name, handled, this.#by, now);
      try {
        if (current === undefined) await this.#kv.create(key, JSON.stringify(next));
        else await this.#kv.update(key, JSON.stringify(next), current.revision);
        return next;
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    throw new NightshiftError("CONFLICT", `schedule ${name}: too many concurrent updates`);
  }

  /** The state, created with `cursor` when the schedule has none yet. */
  async ensure(
    name: string,
    init: Omit<HandledSlots, "results" | "missed">,
  ): Promise<ScheduleState> {
    const current = await this.get(name);
    if (current !== undefined) return current.state;
    return this.record(name, { ...init, results: [], missed: 0 });
  }
}
