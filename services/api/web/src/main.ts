import type { BudgetSummary, PauseState, QueueSummary, Series, TaskList } from "@nightshift/client";
import type { Presence, TaskRecord } from "@nightshift/contracts";
import { Api, ApiFailure, storeToken, takeToken } from "./api.ts";
import { renderBoard } from "./board.ts";
import { byId, fill, h } from "./dom.ts";
import { renderBudget, renderQueue, renderSeries, renderServices } from "./panels.ts";
import { TaskView } from "./task-view.ts";

let token = takeToken();
const api = new Api(() => token);
const records = new Map<string, TaskRecord>();
const view = new TaskView(api, byId("task"), report);

/** Shows what went wrong; a 401 brings up the token form. */
function report(err: unknown): void {
  const banner = byId("banner");
  if (err instanceof ApiFailure && err.status === 401) {
    byId("token-form").hidden = false;
    fill(banner, "This API needs a token: paste one of NIGHTSHIFT_API_TOKENS below.");
  } else {
    fill(banner, err instanceof Error ? err.message : String(err));
  }
  banner.hidden = false;
}

function setLive(live: boolean): void {
  const el = byId("live");
  el.className = live ? "live on" : "live off";
  el.textContent = live ? "live" : "reconnecting";
}

function select(id: string): void {
  history.replaceState(null, "", `#task=${id}`);
  void view.show(id);
  renderTasks();
}

function renderTasks(): void {
  renderBoard(byId("board"), records.values(), view.id, select);
}

function upsert(r: TaskRecord): void {
  const known = records.get(r.id);
  if (known && known.updatedAt > r.updatedAt) return;
  records.set(r.id, r);
  view.update(r);
}

async function loadTasks(): Promise<void> {
  const list = await api.get<TaskList>("/api/v1/tasks?limit=500");
  for (const r of list.tasks) upsert(r);
  renderTasks();
}

/** Follows every record change; reloads the list whenever the watch (re)opens. */
async function watch(): Promise<void> {
  for (;;) {
    const abort = new AbortController();
    try {
      for await (const m of api.stream("/api/v1/watch", abort.signal)) {
        if (m.event === "ready") {
          await loadTasks();
          setLive(true);
          byId("banner").hidden = true;
        } else if (m.event === "record") {
          upsert(JSON.parse(m.data) as TaskRecord);
          renderTasks();
        }
      }
    } catch (err) {
      report(err);
      if (err instanceof ApiFailure && err.status === 401) return;
    }
    setLive(false);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function renderPause(p: PauseState): void {
  const paused = p.all !== null;
  const schedules = Object.keys(p.schedules);
  fill(
    byId("pause"),
    h(
      "span",
      { class: `chip ${paused ? "paused" : ""}` },
      paused ? `scheduling paused by ${p.all?.by ?? "?"}` : "scheduling on",
    ),
    schedules.length > 0
      ? h("span", { class: "muted" }, ` schedules paused: ${schedules.join(", ")}`)
      : false,
    h(
      "button",
      {
        onclick: () => {
          api
            .post<PauseState>(paused ? "/api/v1/resume" : "/api/v1/pause")
            .then(renderPause, report);
        },
      },
      paused ? "Resume scheduling" : "Pause scheduling",
    ),
  );
}

let budget: BudgetSummary | undefined;
async function poll(): Promise<void> {
  const [q, s, sv, p] = await Promise.all([
    api.get<QueueSummary>("/api/v1/summary/queue"),
    api.get<Series>("/api/v1/series"),
    api.get<{ services: Presence[] }>("/api/v1/services"),
    api.get<PauseState>("/api/v1/pause"),
  ]);
  renderQueue(q, budget);
  renderSeries(s);
  renderServices(sv.services);
  renderPause(p);
  renderTasks(); // refreshes the "… ago" times
}

async function pollBudget(): Promise<void> {
  budget = await api.get<BudgetSummary>("/api/v1/summary/budget?days=14");
  renderBudget(budget);
}

function every(ms: number, task: () => Promise<void>): void {
  const run = (): void => {
    task().then(
      () => setTimeout(run, ms),
      (err: unknown) => {
        report(err);
        if (!(err instanceof ApiFailure && err.status === 401)) setTimeout(run, ms);
      },
    );
  };
  run();
}

function start(): void {
  every(15_000, pollBudget);
  every(3_000, poll);
  void watch();
  const m = /[#&]task=([a-z0-9-]+)/.exec(location.hash);
  if (m?.[1] !== undefined) select(m[1]);
}

byId<HTMLFormElement>("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = byId<HTMLInputElement>("token-input");
  token = input.value.trim();
  storeToken(token);
  input.value = "";
  byId("token-form").hidden = true;
  byId("banner").hidden = true;
  start();
});
start();
