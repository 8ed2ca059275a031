import { z } from "zod";
import type { TaskRecord } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import { listRecords } from "./records.ts";
import type { BudgetSummary, SpendBucket } from "./wire/summaries.ts";

const DAY_MS = 86_400_000;
const COUNTER_KEY = /^day\.(\d{4}-\d{2}-\d{2})\.(repo|source)\.(.+)$/;
const CounterValue = z.object({ costUsd: z.number(), tasks: z.number() });

/** A daily spend counter of the `budgets` bucket (`day.<date>.repo.<repoKey>`, `….source.<kind>`). */
export interface SpendCounterEntry {
  day: string;
  scope: "repo" | "source";
  name: string;
  costUsd: number;
  tasks: number;
}

/** Every entry of the `budgets` bucket, raw, and the daily spend counters among them. */
export async function readBudgetBucket(
  bus: Bus,
): Promise<{ raw: BudgetSummary["counters"]; counters: SpendCounterEntry[] }> {
  const raw: BudgetSummary["counters"] = [];
  const counters: SpendCounterEntry[] = [];
  for await (const key of await bus.kv.budgets.keys()) {
    const e = await bus.kv.budgets.get(key);
    if (!e || e.operation !== "PUT") continue;
    let value: unknown;
    try {
      value = e.json();
    } catch {
      value = e.string();
    }
    raw.push({ key, value });
    const m = COUNTER_KEY.exec(key);
    const v = CounterValue.safeParse(value);
    if (m && v.success)
      counters.push({
        day: m[1] as string,
        scope: m[2] as "repo" | "source",
        name: m[3] as string,
        ...v.data,
      });
  }
  raw.sort((a, b) => a.key.localeCompare(b.key));
  return { raw, counters };
}

function empty(): SpendBucket {
  return { costUsd: 0, tasks: 0, inputTokens: 0, outputTokens: 0 };
}

/** The repository a record's spend is booked to. */
export function spendRepo(r: TaskRecord): string {
  return r.task.repo?.url ?? NO_REPO;
}

const NO_REPO = "(no repository)";

/**
 * Spend per UTC day and per repository over the last `days` days (today included). A day
 * with counters in the `budgets` bucket (what the budget limits are checked against) takes
 * its spend from them; other days from the records' usage, booked to the day a task
 * finished (or last changed). Tokens always come from the records. Days with no spend are
 * present with zeros, so a chart needs no gap handling.
 */
export function summariseSpend(
  records: readonly TaskRecord[],
  days: number,
  now = new Date(),
  counters: readonly SpendCounterEntry[] = [],
): Omit<BudgetSummary, "counters"> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = today - (days - 1) * DAY_MS;
  const byDay = new Map<string, SpendBucket>();
  for (let t = first; t <= today; t += DAY_MS)
    byDay.set(new Date(t).toISOString().slice(0, 10), empty());
  const counted = new Set(counters.filter((c) => byDay.has(c.day)).map((c) => c.day));
  const byRepo = new Map<string, SpendBucket>();
  const repo = (name: string): SpendBucket => {
    const b = byRepo.get(name) ?? empty();
    byRepo.set(name, b);
    return b;
  };
  const urlOfKey = new Map<string, string>();
  for (const r of records) {
    if (r.task.repo) urlOfKey.set(r.task.repo.key, r.task.repo.url);
    const day = (r.finishedAt ?? r.updatedAt).slice(0, 10);
    const bucket = byDay.get(day);
    if (!bucket) continue;
    bucket.inputTokens += r.usage.inputTokens;
    bucket.outputTokens += r.usage.outputTokens;
    const rb = repo(spendRepo(r));
    rb.inputTokens += r.usage.inputTokens;
    rb.outputTokens += r.usage.outputTokens;
    if (counted.has(day)) continue;
    bucket.costUsd += r.usage.costUsd;
    bucket.tasks += 1;
    rb.costUsd += r.usage.costUsd;
    rb.tasks += 1;
  }
  for (const day of counted) {
    const bucket = byDay.get(day) as SpendBucket;
    let repos = 0;
    for (const c of counters) {
      if (c.day !== day) continue;
      if (c.scope === "source") {
        bucket.costUsd += c.costUsd;
        bucket.tasks += c.tasks;
      } else {
        const rb = repo(urlOfKey.get(c.name) ?? c.name);
        rb.costUsd += c.costUsd;
        rb.tasks += c.tasks;
        repos += c.costUsd;
      }
    }
    // Every attempt counts against one source; what no repository counted had none.
    if (bucket.costUsd - repos > 1e-9) repo(NO_REPO).costUsd += bucket.costUsd - repos;
  }
  const total = empty();
  for (const b of byDay.values()) {
    total.costUsd += b.costUsd;
    total.tasks += b.tasks;
    total.inputTokens += b.inputTokens;
    total.outputTokens += b.outputTokens;
  }
  return {
    since: new Date(first).toISOString().slice(0, 10),
    from: counted.size === 0 ? "records" : counted.size === byDay.size ? "counters" : "both",
    days: [...byDay].map(([day, b]) => ({ day, ...b })),
    repos: [...byRepo]
      .map(([name, b]) => ({ repo: name, ...b }))
      .sort((a, b) => b.costUsd - a.costUsd || b.tasks - a.tasks || a.repo.localeCompare(b.repo)),
    total,
  };
}

/** Spend per day and repository, and the raw entries of the `budgets` bucket. */
export async function budgetSummary(
  bus: Bus,
  opts: { days?: number; now?: Date; records?: readonly TaskRecord[] } = {},
): Promise<BudgetSummary> {
  const [records, bucket] = await Promise.all([
    opts.records ?? listRecords(bus),
    readBudgetBucket(bus),
  ]);
  return {
    ...summariseSpend(records, opts.days ?? 14, opts.now, bucket.counters),
    counters: bucket.raw,
  };
}
