import type { TaskRecord } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import { listRecords } from "./records.ts";
import type { BudgetSummary, SpendBucket } from "./wire/summaries.ts";

const DAY_MS = 86_400_000;

function empty(): SpendBucket {
  return { costUsd: 0, tasks: 0, inputTokens: 0, outputTokens: 0 };
}

function add(b: SpendBucket, r: TaskRecord): void {
  b.costUsd += r.usage.costUsd;
  b.tasks += 1;
  b.inputTokens += r.usage.inputTokens;
  b.outputTokens += r.usage.outputTokens;
}

/** The repository a record's spend is booked to. */
export function spendRepo(r: TaskRecord): string {
  return r.task.repo?.url ?? "(no repository)";
}

/**
 * Spend per UTC day and per repository over the last `days` days (today included), from
 * the records' usage, booked to the day a task finished (or was last updated). Days with
 * no spend are present with zeros, so a chart needs no gap handling.
 */
export function summariseSpend(
  records: readonly TaskRecord[],
  days: number,
  now = new Date(),
): Omit<BudgetSummary, "counters"> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = today - (days - 1) * DAY_MS;
  const byDay = new Map<string, SpendBucket>();
  for (let t = first; t <= today; t += DAY_MS)
    byDay.set(new Date(t).toISOString().slice(0, 10), empty());
  const byRepo = new Map<string, SpendBucket>();
  const total = empty();
  for (const r of records) {
    const day = (r.finishedAt ?? r.updatedAt).slice(0, 10);
    const bucket = byDay.get(day);
    if (!bucket) continue;
    add(bucket, r);
    add(total, r);
    const repo = spendRepo(r);
    const rb = byRepo.get(repo) ?? empty();
    add(rb, r);
    byRepo.set(repo, rb);
  }
  return {
    since: new Date(first).toISOString().slice(0, 10),
    days: [...byDay].map(([day, b]) => ({ day, ...b })),
    repos: [...byRepo]
      .map(([repo, b]) => ({ repo, ...b }))
      .sort((a, b) => b.costUsd - a.costUsd || b.tasks - a.tasks || a.repo.localeCompare(b.repo)),
    total,
  };
}

/** Spend per day and repository, plus whatever counters the `budgets` bucket holds. */
export async function budgetSummary(
  bus: Bus,
  opts: { days?: number; now?: Date; records?: readonly TaskRecord[] } = {},
): Promise<BudgetSummary> {
  const records = opts.records ?? (await listRecords(bus));
  const counters: BudgetSummary["counters"] = [];
  for await (const key of await bus.kv.budgets.keys()) {
    const e = await bus.kv.budgets.get(key);
    if (!e || e.operation !== "PUT") continue;
    let value: unknown;
    try {
      value = e.json();
    } catch {
      value = e.string();
    }
    counters.push({ key, value });
  }
  counters.sort((a, b) => a.key.localeCompare(b.key));
  return { ...summariseSpend(records, opts.days ?? 14, opts.now), counters };
}
