import { coerceError } from "@nightshift/errors";
import type { JsMsg, Lease } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import type { ControlWatch } from "./control-watch.ts";
import { confirmLease } from "./confirm-lease.ts";

/** Why an attempt was stopped from outside the agent. */
export type StopReason =
  "timeout" | "cancelled" | "lease-lost" | "shutdown" | "disk-quota" | "budget";

export interface StopsOptions {
  taskId: string;
  msg: JsMsg;
  lease: Lease | undefined;
  cancels: ControlWatch;
  /** The executor's force signal: stop now, the task goes back to the queue. */
  force: AbortSignal;
  heartbeatMs: number;
  timeoutMs: number;
  /** How long before the time limit the agent is told to wrap up. */
  wrapUpMs: number;
  log: Logger;
}

/**
 * Everything that can stop an attempt from outside, in one place: the time limit (with a
 * wrap-up warning before it), cancellation, a lost repository lease, the executor's
 * shutdown, and whatever the attempt itself decides (disk quota, cost limit). Also keeps
 * the delivery alive: renews the lease and, only while it holds, calls `working()`.
 */
export class AttemptStops {
  readonly #stop = new AbortController();
  readonly #wrapUp = new AbortController();
  readonly #o: StopsOptions;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #offCancel: () => void;
  readonly #onForce = (): void => this.halt("shutdown");
  #timer: NodeJS.Timeout | undefined;
  #warn: NodeJS.Timeout | undefined;
  /** Time limit left when the clock was paused (awaiting a person), or the deadline. */
  #remainingMs: number;
  #deadline: number;

  constructor(o: StopsOptions) {
    this.#o = o;
    this.#remainingMs = o.timeoutMs;
    this.#deadline = Date.now() + o.timeoutMs;
    this.#arm();
    let beating = false;
    this.#heartbeat = setInterval(() => {
      if (beating) return;
      beating = true;
      void this.#beat().finally(() => (beating = false));
    }, o.heartbeatMs);
    this.#offCancel = o.cancels.on(o.taskId, () => this.halt("cancelled"));
    o.force.addEventListener("abort", this.#onForce, { once: true });
  }

  /** The repository lease's fencing token (when the task has a repository). */
  get fence(): number | undefined {
    return this.#o.lease?.acquiredFence;
  }

  /**
   * Whether the attempt still holds its repository lease (true without one): not once the
   * heartbeat found it lost, otherwise as a renewal answers (see confirmLease). Asked before
   * the agent starts and right before a push.
   */
  stillHolds(leaseTtlMs: number): Promise<boolean> {
    const lease = this.#o.lease;
    if (!lease) return Promise.resolve(true);
    if (this.reason === "lease-lost") return Promise.resolve(false);
    return confirmLease(lease, {
      timeoutMs: leaseTtlMs,
      intervalMs: Math.min(500, this.#o.heartbeatMs),
      signal: this.#o.force,
    });
  }

  /** Aborted when the attempt must stop; `reason` is a StopReason. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Aborted shortly before the time limit; its reason is the message for the agent. */
  get wrapUp(): AbortSignal {
    return this.#wrapUp.signal;
  }

  get reason(): StopReason | undefined {
    return this.#stop.signal.aborted ? (this.#stop.signal.reason as StopReason) : undefined;
  }

  halt(why: StopReason): void {
    if (!this.#stop.signal.aborted) this.#stop.abort(why);
  }

  /** Stops the time limit's clock (while a person decides at a checkpoint). */
  pauseClock(): void {
    this.#remainingMs = Math.max(0, this.#deadline - Date.now());
    this.#disarm();
  }

  resumeClock(): void {
    this.#deadline = Date.now() + this.#remainingMs;
    this.#arm();
  }

  dispose(): void {
    clearInterval(this.#heartbeat);
    this.#disarm();
    this.#offCancel();
    this.#o.force.removeEventListener("abort", this.#onForce);
  }

  #arm(): void {
    const left = this.#remainingMs;
    this.#timer = setTimeout(() => this.halt("timeout"), left);
    const warnIn = left - this.#o.wrapUpMs;
    if (!this.#wrapUp.signal.aborted && this.#o.wrapUpMs > 0 && warnIn > 0) {
      this.#warn = setTimeout(() => {
        const secs = Math.round(this.#o.wrapUpMs / 1000);
        this.#wrapUp.abort(
          `About ${secs} s remain before this task's time limit. Finish now: commit your work ` +
            `and write .nightshift/result.json (status blocked if you cannot finish).`,
        );
      }, warnIn);
    }
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#warn) clearTimeout(this.#warn);
  }

  async #beat(): Promise<void> {
    const o = this.#o;
    try {
      if (o.lease && !(await o.lease.renew())) {
        o.log.warn("repository lease lost: stopping the agent");
        this.halt("lease-lost");
        return;
      }
      o.msg.working();
      if (await o.cancels.check(o.taskId)) this.halt("cancelled");
    } catch (err) {
      o.log.warn({ err: coerceError(err) }, "heartbeat failed");
    }
  }
}
