import type { TaskRecord } from "@nightshift/contracts";
import { fill, h } from "./dom.ts";
import { ago, clock, firstLine, money, repoName } from "./format.ts";

interface Column {
  title: string;
  states: readonly TaskRecord["state"][];
  limit: number;
}

const COLUMNS: readonly Column[] = [
  { title: "Queued", states: ["queued"], limit: 50 },
  { title: "Running", states: ["running"], limit: 50 },
  { title: "Waiting", states: ["waiting"], limit: 50 },
  { title: "Finished", states: ["succeeded", "failed", "blocked", "cancelled"], limit: 25 },
];

/** Why a task is where it is: the wait reason and until when, or the failure reason. */
function why(r: TaskRecord): HTMLElement | undefined {
  if (r.state === "waiting") {
    const reason = r.waitReason ?? r.reason ?? "waiting";
    return h(
      "p",
      { class: "why waiting", "data-wait-reason": reason },
      h("span", { class: "chip" }, reason),
      r.waitUntil ? ` until ${clock(r.waitUntil)}` : "",
      r.detail ? ` ${firstLine(r.detail, 60)}` : "",
    );
  }
  if (r.reason !== undefined && r.state !== "running")
    return h(
      "p",
      { class: "why" },
      h("span", { class: "chip" }, r.reason),
      r.detail ? ` ${firstLine(r.detail, 60)}` : "",
    );
  return undefined;
}

function card(r: TaskRecord, selected: boolean, onSelect: (id: string) => void): HTMLElement {
  const when = r.finishedAt ?? r.startedAt ?? r.createdAt;
  return h(
    "article",
    {
      class: `card state-${r.state}${selected ? " selected" : ""}`,
      "data-task-id": r.id,
      "data-state": r.state,
      tabindex: 0,
      onclick: () => onSelect(r.id),
      onkeydown: (e: Event) => {
        if ((e as KeyboardEvent).key === "Enter") onSelect(r.id);
      },
    },
    h(
      "header",
      {},
      h("span", { class: `badge ${r.state}` }, r.state),
      h("code", { title: r.id }, r.id.slice(-10)),
      h("span", { class: "muted" }, ago(when)),
    ),
    h("p", { class: "prompt" }, firstLine(r.task.prompt)),
    why(r),
    h(
      "footer",
      { class: "muted" },
      [
        r.task.repo ? repoName(r.task.repo.url) : "no repo",
        r.task.source.kind,
        r.task.backend ?? "default",
        r.attempts > 1 ? `attempt ${r.attempts}` : "",
        r.usage.costUsd > 0 ? money(r.usage.costUsd) : "",
      ]
        .filter(Boolean)
        .join(" · "),
    ),
  );
}

/** Tasks in columns by state, newest first; finished tasks are the most recent only. */
export function renderBoard(
  el: HTMLElement,
  records: Iterable<TaskRecord>,
  selected: string | undefined,
  onSelect: (id: string) => void,
): void {
  const all = [...records].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  fill(
    el,
    COLUMNS.map((col) => {
      const rows = all.filter((r) => col.states.includes(r.state));
      return h(
        "section",
        { class: "column", "data-column": col.title.toLowerCase() },
        h("h3", {}, col.title, h("span", { class: "count" }, rows.length)),
        rows.length === 0 ? h("p", { class: "empty muted" }, "none") : false,
        rows.slice(0, col.limit).map((r) => card(r, r.id === selected, onSelect)),
      );
    }),
  );
}
