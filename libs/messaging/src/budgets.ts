import type { KV } from "@nats-io/kv";
import type { BudgetsConfig } from "@nightshift/config";
import type { Task } from "@nightshift/contracts";
import { isWrongLastSequence } from "./lease.ts";

/** One counter in the `budgets` bucket: what a scope spent on one day. */
export interface SpendCounter {
  costUsd: number;
  tasks: number;
}

export interface BudgetScope {
  /** Key in the budgets bucket, e.g. `day.2026-11-21.repo.acme-web_1a2b3c4d`. */
  key: string;
  label: string;
  limitUsd: number | undefined;
}

export function utcDay(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The start of the next UTC day: when a daily budget frees up. */
export function nextUtcDay(now: Date = new Date()): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return d;
}

/** The scopes a task's spending counts against on `day`, with their limits. */
export function budgetScopes(
  task: Task,
  cfg: BudgetsConfig,
  day: string = utcDay(),
): BudgetScope[] {
  const scopes: BudgetScope[] = [];
  if (task.repo) {
    const limit = cfg.repos[task.repo.url] ?? cfg.repos[task.repo.key] ?? cfg.perRepoDailyUsd;
    scopes.push({
      key: `day.${day}.repo.${task.repo.key}`,
      label: `repository ${task.repo.url}`,
      limitUsd: limit,
    });
  }
  const kind = task.source.kind;
  scopes.push({
    key: `day.${day}.source.${kind}`,
    label: `source ${kind}`,
    limitUsd: cfg.perSourceDailyUsd[kind],
  });
  return scopes;
}

async function read(
  kv: KV,
  key: string,
): Promise<{ value: SpendCounter; revision: number } | undefined> {
  const e = await kv.get(key);
  if (!e || e.operation !== "PUT") return undefined;
  return { value: e.json<SpendCounter>(), revision: e.revision };
}

/** The first scope over its limit, if any. */
export async function overBudget(
  kv: KV,
  scopes: readonly BudgetScope[],
): Promise<(BudgetScope & { spentUsd: number }) | undefined> {
  for (const s of scopes) {
    if (s.limitUsd === undefined) continue;
    const spent = (await read(kv, s.key))?.value.costUsd ?? 0;
    if (spent >= s.limitUsd) return { ...s, spentUsd: spent };
  }
  return undefined;
}

/** Adds a finished attempt's cost to every scope, by CAS so concurrent executors add up. */
export async function addSpend(
  kv: KV,
  scopes: readonly BudgetScope[],
  costUsd: number,
): Promise<void> {
  for (const s of scopes) {
    for (let i = 0; i < 20; i++) {
      const cur = await read(kv, s.key);
      const next: SpendCounter = {
        costUsd: (cur?.value.costUsd ?? 0) + costUsd,
        tasks: (cur?.value.tasks ?? 0) + 1,
      };
      try {
        if (cur) await kv.update(s.key, JSON.stringify(next), cur.revision);
        else await kv.create(s.key, JSON.stringify(next));
        break;
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
  }
}

/** Every counter of a day, for summaries (`status`, the API). */
export async function spendOn(
  kv: KV,
  day: string = utcDay(),
): Promise<Record<string, SpendCounter>> {
  const out: Record<string, SpendCounter> = {};
  for await (const key of await kv.keys(`day.${day}.>`)) {
    const c = await read(kv, key);
    if (c) out[key.slice(`day.${day}.`.length)] = c.value;
  }
  return out;
}
