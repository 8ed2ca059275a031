import { roundArtifact, type LoopRound } from "@nightshift/contracts";
import type { EventPublisher, ObjectStore } from "@nightshift/messaging";
import type { z } from "zod";
import type { AttemptRecord } from "./fenced-record.ts";

/** Names of a round's artifacts. */
export type ArtifactName = "work-report" | "review-request" | "review-report" | "fix-list";

/** Fix items kept in the record per round (the full list is in the round's artifact). */
const RECORD_FIX_ITEMS = 30;
const RECORD_REASON_CHARS = 1000;

/**
 * A review loop's memory: every round's artifacts in the object store (a reader follows
 * the conversation between the two roles from them, and a resumed attempt continues from
 * them), each announced as a `round` event, and the rounds' progress in the task record.
 */
export class RoundArchive {
  readonly #store: ObjectStore;
  readonly #record: AttemptRecord;
  readonly #events: EventPublisher;
  readonly taskId: string;

  constructor(store: ObjectStore, record: AttemptRecord, events: EventPublisher) {
    this.#store = store;
    this.#record = record;
    this.#events = events;
    this.taskId = record.taskId;
  }

  /** The rounds as the record has them, oldest first. */
  rounds(): LoopRound[] {
    return structuredClone(this.#record.current().rounds ?? []);
  }

  /** Stores an artifact of round `round.n`, names it in the round and announces it. */
  async put(round: LoopRound, name: ArtifactName, value: unknown, summary?: string) {
    const object = roundArtifact(this.taskId, round.n, name);
    await this.#store.putBlob(
      { name: object, description: `round ${round.n} ${name}` },
      new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`),
    );
    round.artifacts[name] = object;
    this.event(round.n, name, summary, object);
  }

  /** Reads an artifact of a round back; undefined when it is missing or does not parse. */
  async get<S extends z.ZodType>(
    n: number,
    name: ArtifactName,
    schema: S,
  ): Promise<z.output<S> | undefined> {
    const data = await this.#store.getBlob(roundArtifact(this.taskId, n, name));
    if (!data) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(new TextDecoder().decode(data)));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  event(n: number, phase: string, summary?: string, artifact?: string): void {
    this.#events.emit({
      type: "round",
      round: n,
      phase,
      ...(artifact !== undefined ? { artifact } : {}),
      ...(summary !== undefined ? { summary: summary.slice(0, 2000) } : {}),
    });
  }

  /** Writes the round into the record (replacing the entry with its number). */
  async save(round: LoopRound): Promise<void> {
    const kept: LoopRound = {
      ...round,
      ...(round.summary !== undefined ? { summary: round.summary.slice(0, 4000) } : {}),
      ...(round.fixList
        ? {
            fixList: round.fixList.slice(0, RECORD_FIX_ITEMS).map((i) => ({
              ...i,
              reason: i.reason.slice(0, RECORD_REASON_CHARS),
            })),
          }
        : {}),
    };
    await this.#record.update((r) => {
      const rounds = r.rounds ?? [];
      const i = rounds.findIndex((x) => x.n === kept.n);
      if (i >= 0) rounds[i] = kept;
      else rounds.push(kept);
      r.rounds = rounds;
      r.round = kept.n;
    });
  }
}
