import type { Task } from "@nightshift/contracts";
import { budgetScopes, nextUtcDay, overBudget } from "@nightshift/messaging";
import type { ExecutorContext } from "./context.ts";

export interface HoldBack {
  waitReason: "rate-limited" | "budget";
  until: Date;
  detail: string;
}

/**
 * Whether a task must wait before it runs: one of its backends' accounts is rate-limited
 * (the breaker another attempt opened; a review loop has two roles), or its repository or
 * source has spent its daily budget.
 */
export async function heldBack(
  ctx: ExecutorContext,
  task: Task,
  backends: readonly string[],
): Promise<HoldBack | undefined> {
  const names = [...new Set(backends)];
  const [breakers, over] = await Promise.all([
    Promise.all(names.map((b) => ctx.control.breaker(b))),
    overBudget(ctx.bus.kv.budgets, budgetScopes(task, ctx.config.budgets)),
  ]);
  const i = breakers.findIndex((b) => b !== undefined);
  const breaker = breakers[i];
  const backend = names[i];
  if (breaker) {
    return {
      waitReason: "rate-limited",
      until: new Date(breaker.until),
      detail: `backend ${backend} is rate-limited until ${breaker.until}`,
    };
  }
  if (over) {
    return {
      waitReason: "budget",
      until: nextUtcDay(),
      detail: `${over.label} spent $${over.spentUsd.toFixed(2)} today, its limit is $${(over.limitUsd ?? 0).toFixed(2)}`,
    };
  }
  return undefined;
}
