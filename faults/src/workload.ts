import { submitTask } from "@nightshift/client";
import { repoKey, Subjects, type Task } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import type { SubmittedTask } from "./check-input.ts";
import type { Random } from "./random.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Backend names in the executors' config. */
export const AGENT_BACKEND = "agent";
export const MISSING_BACKEND = "no-such-backend";

export interface WorkloadStats {
  /** Publishes that failed or timed out and were tried again with the same task id. */
  retries: number;
  duplicatesSameId: number;
  duplicatesNewMsgId: number;
  malformed: number;
  refused: number;
}

/**
 * The harness as a producer: submits tasks, each until JetStream acknowledged it (a
 * failed or timed-out publish is repeated with the same task id, as a real producer
 * must), and records what it got an acknowledgement for.
 */
export class Workload {
  readonly submitted: SubmittedTask[] = [];
  readonly tasks = new Map<string, Task>();
  readonly malformed: string[] = [];
  readonly stats: WorkloadStats = {
    retries: 0,
    duplicatesSameId: 0,
    duplicatesNewMsgId: 0,
    malformed: 0,
    refused: 0,
  };
  readonly #bus: Bus;
  readonly #rng: Random;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(bus: Bus, rng: Random) {
    this.#bus = bus;
    this.#rng = rng;
  }

  /** Resolves when every submission started so far is acknowledged. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  #track(p: Promise<void>): void {
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  }

  async #untilAcked(what: () => Promise<void>): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await what();
        return;
      } catch {
        this.stats.retries++;
        await sleep(Math.min(2_000, 200 * 2 ** Math.min(i, 4)));
      }
    }
  }

  /** Submits one task on `repo` whose agent works for `workSeconds`. */
  submit(repo: string, workSeconds: number, expect: "succeed" | "dead" = "succeed"): void {
    const id = `f${Date.now().toString(36)}${this.#rng.token(10)}`;
    const backend = expect === "dead" ? MISSING_BACKEND : AGENT_BACKEND;
    const p = this.#untilAcked(async () => {
      const { task } = await submitTask(this.#bus, {
        id,
        prompt: workSeconds.toFixed(2),
        repo,
        backend,
      });
      this.tasks.set(id, task);
    }).then(() => {
      this.submitted.push({ id, repo, expect, via: "client" });
      if (expect === "dead") this.stats.refused++;
    });
    this.#track(p);
  }

  /**
   * Publishes already-submitted tasks again: `same-id` as a producer retrying (deduped by
   * `Nats-Msg-Id`), `new-msg-id` as one whose dedupe window has passed, so a second
   * message of the task reaches the executors.
   */
  duplicate(kind: "same-id" | "new-msg-id", count: number): void {
    const done = [...this.tasks.values()].filter((t) => t.backend === AGENT_BACKEND);
    for (let i = 0; i < count && done.length > 0; i++) {
      const task = done[this.#rng.int(done.length)];
      if (!task) continue;
      const p = this.#untilAcked(async () => {
        if (kind === "same-id") {
          await submitTask(this.#bus, {
            id: task.id,
            prompt: task.prompt,
            repo: task.repo?.url,
            backend: task.backend,
          });
        } else {
          await this.#bus.js.publish(
            Subjects.taskRun(task.repo?.key ?? "none"),
            JSON.stringify(task),
            { msgID: `again:${task.id}:${i}:${Date.now()}` },
          );
        }
      }).then(() => {
        if (kind === "same-id") this.stats.duplicatesSameId++;
        else this.stats.duplicatesNewMsgId++;
      });
      this.#track(p);
    }
  }

  /** Publishes payloads that are not valid tasks; each carries a marker to find it in the DLQ. */
  publishMalformed(): void {
    const n = this.malformed.length;
    const markers = [0, 1, 2, 3].map((i) => `faults-malformed-${n + i}`);
    const payloads = [
      `{not json ${markers[0]}`,
      JSON.stringify({ v: 1, id: "NOT A VALID ID", prompt: markers[1] }),
      JSON.stringify({ hello: markers[2] }),
      Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x01]), Buffer.from(markers[3] ?? "")]),
    ];
    const key = repoKey("faults://malformed");
    for (const [i, payload] of payloads.entries()) {
      const marker = markers[i] ?? "";
      const p = this.#untilAcked(async () => {
        await this.#bus.js.publish(Subjects.taskRun(key), payload, { msgID: marker });
      }).then(() => {
        this.malformed.push(marker);
        this.stats.malformed++;
      });
      this.#track(p);
    }
  }
}
