import type { AgentBackend } from "@nightshift/agents";
import type { BackendConfig } from "@nightshift/config";
import { EMPTY_USAGE, type PlayedBy, type Task, type Usage } from "@nightshift/contracts";
import { PermanentError } from "@nightshift/errors";
import { abandon, addSpend, budgetScopes, type Outcome } from "@nightshift/messaging";
import type { GitFacts } from "@nightshift/workspace";
import type { AgentPhase } from "./agent-phase.ts";
import type { ExecutorContext } from "./context.ts";
import { leaseCheck, pushWork, type Pushed } from "./deliver.ts";
import { finish, setAside } from "./finalize.ts";
import type { RoundArchive } from "./loop-archive.ts";
import { tripBreaker } from "./rate-limit-breaker.ts";
import { keepPartialWork, type ModeInput } from "./single-mode.ts";
import type { StopReason } from "./stops.ts";
import { addUsage } from "./usage.ts";

/** One side of the loop: the backend that plays it and the model it asks for. */
export interface Role {
  name: string;
  backend: AgentBackend;
  config: BackendConfig;
  model?: string | undefined;
}

/** The reviewer's backend, as loopRoles chose it. */
export function reviewerRole(ctx: ExecutorContext, played: PlayedBy): Role {
  const name = played.backend;
  const config = ctx.config.backends[name];
  if (!config) throw new PermanentError("unknown-backend", `unknown reviewer backend "${name}"`);
  return {
    name,
    backend: ctx.backends.get(name),
    config,
    ...(played.model !== undefined ? { model: played.model } : {}),
  };
}

/** A role as the record shows who played it. */
export function playedBy(role: Role): PlayedBy {
  return { backend: role.name, ...(role.model !== undefined ? { model: role.model } : {}) };
}

/** Usage and cost of this attempt's runs, both roles, written with every final state. */
export class UsageBook {
  #usage: Usage = EMPTY_USAGE;
  readonly #before: Usage;
  readonly #ctx: ExecutorContext;
  readonly #task: Task;

  constructor(ctx: ExecutorContext, task: Task, before: Usage) {
    this.#ctx = ctx;
    this.#task = task;
    this.#before = before;
  }

  async add(u: Usage): Promise<void> {
    this.#usage = addUsage(this.#usage, u);
    if (u.costUsd > 0)
      await addSpend(
        this.#ctx.bus.kv.budgets,
        budgetScopes(this.#task, this.#ctx.config.budgets),
        u.costUsd,
      ).catch(() => undefined);
  }

  /** The task's usage: earlier attempts and this one. */
  total(): Usage {
    return addUsage(this.#before, this.#usage);
  }

  /** The task's cost so far, against its `maxCostUsd`. */
  spent(): number {
    return this.total().costUsd;
  }

  overLimit(): boolean {
    const limit = this.#task.limits.maxCostUsd;
    return limit !== undefined && this.spent() >= limit;
  }
}

/** Everything a round's phases share. */
export interface LoopRun {
  m: ModeInput;
  archive: RoundArchive;
  worker: Role;
  reviewer: Role;
  book: UsageBook;
}

/**
 * Pushes a round's work to the task's branch, only while the attempt holds its repository
 * lease (asked last, right before git pushes).
 */
export function pushRound(run: LoopRun, facts: GitFacts): Promise<Pushed> {
  const { m } = run;
  const s = m.scope;
  return pushWork(
    s.ctx.workspaces,
    m.ws,
    facts,
    s.ctx.secrets,
    leaseCheck(() => m.stops.stillHolds(s.ctx.config.nats.leaseTtl)),
  );
}

/** The outcome of a push the lease check stopped: another holder has the repository now. */
export function pushLeaseLost(run: LoopRun): Outcome {
  run.m.scope.log.warn({ fence: run.m.stops.fence }, "lease lost before the push: not pushing");
  return abandon("lease lost before the push");
}

/**
 * An agent of either role starts only while the attempt holds its repository lease (the
 * check, the archive and the workspace take time; this executor may have been paused).
 */
export async function leaseLostBeforeAgent(run: LoopRun): Promise<Outcome | undefined> {
  const { stops, scope: s } = run.m;
  if (await stops.stillHolds(s.ctx.config.nats.leaseTtl)) return undefined;
  s.log.warn({ fence: stops.fence }, "lease lost before the agent started");
  return abandon("lease lost before the agent started");
}

/** Why an agent phase stopped short, in the words decideOutcome understands. */
export function stopOf(run: LoopRun, phase: AgentPhase): StopReason | "max-turns" | undefined {
  return (
    run.m.stops.reason ??
    (run.book.overLimit() ? "budget" : undefined) ??
    (phase.result.aborted === "max-turns" ? "max-turns" : undefined)
  );
}

/**
 * What ends an agent phase of either role without deciding the task: the lease was lost,
 * a person rejected it, the provider rate-limits, the executor shuts down. The record
 * still says which round and phase the loop is in, so the next attempt continues there.
 */
export async function interruption(
  run: LoopRun,
  phase: AgentPhase,
  role: Role,
  keepWork: boolean,
): Promise<Outcome | undefined> {
  const s = run.m.scope;
  const stopped = stopOf(run, phase);
  if (stopped === "lease-lost") return abandon("lease lost");
  if (phase.rejected) {
    const { by, message } = phase.rejected;
    return finish(s, {
      state: "cancelled",
      reason: "rejected",
      detail: `rejected by ${by}${message ? `: ${message}` : ""}`,
      result: { outcome: "rejected", pushed: false },
    });
  }
  const limited = phase.result.rateLimit;
  if ((limited && stopped === undefined) || stopped === "shutdown") {
    if (limited) {
      const until = new Date(limited.resetAt);
      await tripBreaker(s.ctx.bus.kv.control, role.name, until, limited.source);
    }
    if (keepWork) {
      const kept = await keepPartialWork(run.m);
      if (kept !== undefined) return kept;
    }
    return limited && stopped === undefined
      ? setAside(s, {
          waitReason: "rate-limited",
          until: new Date(limited.resetAt),
          free: true,
          detail: `the provider limits requests until ${limited.resetAt} (${limited.source})`,
        })
      : setAside(s, {
          waitReason: "interrupted",
          until: new Date(),
          free: true,
          detail: "the executor shut down; the loop continues where it stopped",
        });
  }
  return undefined;
}
