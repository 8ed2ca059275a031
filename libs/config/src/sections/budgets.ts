import { z } from "zod";

const usd = z.number().positive();

/**
 * Daily spending limits, counted from every backend's token usage and the price table.
 * A task whose scope is over its limit waits (reason `budget`) until the next day (UTC).
 */
export const BudgetsConfig = z.strictObject({
  /** Limit per repository per day, unless the repository has its own below. */
  perRepoDailyUsd: usd.optional(),
  /** Limits for particular repositories (by URL or repo key). */
  repos: z.record(z.string().min(1), usd).default({}),
  /** Limits per task source per day (`github`, `email`, `schedule` …). */
  perSourceDailyUsd: z.record(z.string().min(1), usd).default({}),
});
export type BudgetsConfig = z.infer<typeof BudgetsConfig>;
