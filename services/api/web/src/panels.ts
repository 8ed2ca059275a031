import type { BudgetSummary, QueueSummary, Series } from "@nightshift/client";
import type { Presence } from "@nightshift/contracts";
import { barChart, hbarChart, lineChart } from "./charts.ts";
import { byId, fill, h } from "./dom.ts";
import { ago, clock, money, repoName, span } from "./format.ts";

/** A service whose presence was not refreshed for this long is shown as unhealthy. */
const STALE_MS = 30_000;

function stat(label: string, value: string | number, note?: string, id?: string): HTMLElement {
  return h(
    "div",
    { class: "stat", ...(id ? { id } : {}) },
    h("span", { class: "label" }, label),
    h("b", {}, value),
    note ? h("span", { class: "note" }, note) : false,
  );
}

export function renderQueue(q: QueueSummary, budget: BudgetSummary | undefined): void {
  const waiting = Object.entries(q.waiting);
  fill(
    byId("stats"),
    stat(
      "queue",
      q.queue.messages,
      `${q.queue.pending} undelivered${q.queue.oldestAt ? `, oldest ${ago(q.queue.oldestAt)}` : ""}`,
      "stat-queue",
    ),
    stat("running", q.counts["running"] ?? 0, undefined, "stat-running"),
    stat(
      "waiting",
      q.counts["waiting"] ?? 0,
      waiting.map(([k, n]) => `${k} ${n}`).join(", ") || "none",
      "stat-waiting",
    ),
    stat("dead letters", q.dlq.messages),
    stat("succeeded / failed", `${q.counts["succeeded"] ?? 0} / ${q.counts["failed"] ?? 0}`),
    budget
      ? stat(
          "spend today",
          money(budget.days.at(-1)?.costUsd ?? 0),
          `${money(budget.total.costUsd)} in ${budget.days.length} days`,
        )
      : false,
  );
}

export function renderSeries(s: Series): void {
  const labels = s.samples.map((x) => clock(x.at));
  fill(
    byId("chart-queue"),
    lineChart(
      [
        { name: "messages", color: "var(--queued)", values: s.samples.map((x) => x.messages) },
        { name: "running", color: "var(--running)", values: s.samples.map((x) => x.running) },
        { name: "waiting", color: "var(--waiting)", values: s.samples.map((x) => x.waiting) },
      ],
      labels,
      (v) => String(Math.round(v)),
      "queue depth over time",
    ),
  );
  fill(
    byId("chart-latency"),
    lineChart(
      [
        { name: "p50", color: "var(--running)", values: s.samples.map((x) => x.dispatch.p50Ms) },
        { name: "max", color: "var(--waiting)", values: s.samples.map((x) => x.dispatch.maxMs) },
      ],
      labels,
      (v) => span(v),
      "dispatch latency over time",
    ),
  );
}

export function renderBudget(b: BudgetSummary): void {
  fill(
    byId("chart-spend-day"),
    barChart(
      b.days.map((d) => ({
        label: d.day.slice(5),
        value: d.costUsd,
        title: `${d.day}: ${money(d.costUsd)}, ${d.tasks} task(s)`,
      })),
      money,
      "spend per day",
    ),
    h(
      "p",
      { class: "muted", id: "spend-from" },
      {
        counters: "from the budget counters",
        records: "from the task records' usage",
        both: "from the budget counters, and the task records' usage for days without counters",
      }[b.from],
    ),
  );
  fill(
    byId("chart-spend-repo"),
    !b.repos.some((r) => r.costUsd > 0)
      ? h("p", { class: "muted" }, "no spend in this period")
      : hbarChart(
          b.repos
            .filter((r) => r.costUsd > 0)
            .slice(0, 10)
            .map((r) => ({
              label: repoName(r.repo) || r.repo,
              value: r.costUsd,
              title: `${r.repo}: ${r.tasks} task(s)`,
            })),
          money,
          "spend per repository",
        ),
  );
}

export function renderServices(list: readonly Presence[]): void {
  const now = Date.now();
  fill(
    byId("services"),
    list.length === 0
      ? h("p", { class: "muted" }, "no service has announced itself")
      : h(
          "table",
          {},
          h(
            "tr",
            {},
            h("th", {}, "service"),
            h("th", {}, "state"),
            h("th", {}, "instance"),
            h("th", {}, "seen"),
            h("th", {}, "up"),
          ),
          list.map((p) => {
            const healthy = p.state === "running" && now - Date.parse(p.seenAt) < STALE_MS;
            return h(
              "tr",
              { "data-service": p.service },
              h("td", {}, h("span", { class: `dot ${healthy ? "ok" : "bad"}` }), p.service),
              h("td", {}, p.state),
              h("td", { class: "muted" }, p.instance),
              h("td", {}, ago(p.seenAt)),
              h("td", {}, ago(p.startedAt).replace(" ago", "")),
            );
          }),
        ),
  );
}
