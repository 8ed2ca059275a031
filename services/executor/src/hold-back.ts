import type { Task } from "@nightshift/contracts";
import { budgetScopes, nextUtcDay, overBudget } from "@nightshift/messaging";
import type { ExecutorContext } from "./context.ts";
import { openBreaker } from "./rate-limit-breaker.ts";

export interface HoldBack {
  waitReason: "rate-limited" | "budget";
  until: Date;
  detail: string;
}

/**
 * Whether a task must wait before it runs: its backend's account is rate-limited (the
 * breaker another attempt opened), or its repository or source has spent its daily budget.
 */
export async function heldBack(
  ctx: ExecutorContext,
  task: Task,
  backend: string,
): Promise<HoldBack | undefined> {
  const [breaker, over] = await Promise.all([
    openBreaker(ctx.bus.kv.control, backend),
    overBudget(ctx.bus.kv.budgets, budgetScopes(task, ctx.config.budgets)),
  ]);
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
