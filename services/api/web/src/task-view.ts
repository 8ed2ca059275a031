import type { SequencedEvent } from "@nightshift/client";
import type { TaskEvent, TaskRecord } from "@nightshift/contracts";
import { ApiFailure, type Api } from "./api.ts";
import { fill, h } from "./dom.ts";
import { entry } from "./event-entry.ts";
import { money, span } from "./format.ts";

const MAX_ENTRIES = 2000;
const TERMINAL = ["succeeded", "failed", "blocked", "cancelled"];

interface Round {
  round: number;
  phases: {
    phase: string;
    at: string;
    summary?: string | undefined;
    artifact?: string | undefined;
  }[];
}

/** The selected task: its record, review rounds, actions and live event stream. */
export class TaskView {
  readonly #api: Api;
  readonly #el: HTMLElement;
  readonly #onError: (err: unknown) => void;
  #id: string | undefined;
  #record: TaskRecord | undefined;
  #abort: AbortController | undefined;
  #rounds = new Map<number, Round>();
  #log: HTMLElement = h("div", { class: "log", id: "task-log" });
  #stream: HTMLElement = h("span", { class: "muted", id: "task-stream" });

  constructor(api: Api, el: HTMLElement, onError: (err: unknown) => void) {
    this.#api = api;
    this.#el = el;
    this.#onError = onError;
  }

  get id(): string | undefined {
    return this.#id;
  }

  async show(id: string): Promise<void> {
    this.#abort?.abort();
    this.#id = id;
    this.#rounds = new Map();
    this.#log = h("div", { class: "log", id: "task-log" });
    const abort = new AbortController();
    this.#abort = abort;
    try {
      this.update(await this.#api.get<TaskRecord>(`/api/v1/tasks/${encodeURIComponent(id)}`));
    } catch (err) {
      this.#onError(err);
      return;
    }
    void this.#follow(id, abort.signal);
  }

  /** A newer record for the task shown (from the live watch). */
  update(record: TaskRecord): void {
    if (record.id !== this.#id) return;
    this.#record = record;
    this.#render();
  }

  async #follow(id: string, signal: AbortSignal): Promise<void> {
    let after: number | undefined;
    while (!signal.aborted) {
      this.#stream.textContent = "● live";
      try {
        const q = after !== undefined ? `&after=${after}` : "";
        for await (const m of this.#api.stream(
          `/api/v1/tasks/${encodeURIComponent(id)}/events?follow=1${q}`,
          signal,
        )) {
          if (m.event === "end") {
            this.#stream.textContent = "stream ended";
            return;
          }
          if (m.event === "error") throw new Error(m.data);
          const e = JSON.parse(m.data) as SequencedEvent;
          after = e.seq;
          this.#append(e.event);
        }
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ApiFailure && err.status < 500) {
          this.#onError(err);
          return;
        }
      }
      this.#stream.textContent = "reconnecting…";
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  #append(e: TaskEvent): void {
    if (e.type === "round") {
      const r = this.#rounds.get(e.round) ?? { round: e.round, phases: [] };
      r.phases.push({ phase: e.phase, at: e.at, summary: e.summary, artifact: e.artifact });
      this.#rounds.set(e.round, r);
      this.#render();
    }
    const el = entry(e);
    if (!el) return;
    const stick = this.#log.scrollTop + this.#log.clientHeight >= this.#log.scrollHeight - 24;
    this.#log.append(el);
    while (this.#log.childElementCount > MAX_ENTRIES) this.#log.firstElementChild?.remove();
    if (stick) this.#log.scrollTop = this.#log.scrollHeight;
  }

  #action(label: string, path: string): HTMLElement {
    return h(
      "button",
      {
        onclick: () => {
          this.#api.post(path).catch(this.#onError);
        },
      },
      label,
    );
  }

  #render(): void {
    const r = this.#record;
    if (!r) return;
    const base = `/api/v1/tasks/${encodeURIComponent(r.id)}`;
    const open = !TERMINAL.includes(r.state);
    const supervised = r.task.mode === "supervised" || r.waitReason === "awaiting-approval";
    const rows: [string, string | undefined][] = [
      [
        "state",
        `${r.state}${r.waitReason ? ` (${r.waitReason})` : r.reason ? ` (${r.reason})` : ""}`,
      ],
      ["detail", r.detail],
      [
        "repository",
        r.task.repo
          ? `${r.task.repo.url}${r.task.repo.base ? ` @ ${r.task.repo.base}` : ""}`
          : undefined,
      ],
      [
        "backend",
        `${r.task.backend ?? "default"}${r.task.model ? ` / ${r.task.model}` : ""} · ${r.task.mode}`,
      ],
      [
        "source",
        `${r.task.source.kind}${r.task.source.author ? ` by ${r.task.source.author}` : ""}`,
      ],
      ["attempts", String(r.attempts)],
      ["created", r.createdAt],
      [
        "took",
        r.finishedAt
          ? span(Date.parse(r.finishedAt) - Date.parse(r.startedAt ?? r.createdAt))
          : undefined,
      ],
      [
        "result",
        r.result
          ? `${r.result.outcome}${r.result.branch ? ` on ${r.result.branch}` : ""}${r.result.pushed ? " (pushed)" : ""}`
          : undefined,
      ],
      ["pull request", r.result?.pullRequestUrl],
      [
        "usage",
        r.usage.turns || r.usage.costUsd
          ? `${r.usage.turns} turns, ${r.usage.inputTokens}/${r.usage.outputTokens} tokens, ${money(r.usage.costUsd)}`
          : undefined,
      ],
    ];
    const rounds = [...this.#rounds.values()].sort((a, b) => a.round - b.round);
    fill(
      this.#el,
      h(
        "header",
        { class: "task-head" },
        h(
          "h2",
          {},
          h("span", { class: `badge ${r.state}`, id: "task-state" }, r.state),
          h("code", {}, r.id),
        ),
        h(
          "div",
          { class: "actions" },
          open ? this.#action("Cancel", `${base}/cancel`) : false,
          open && supervised ? this.#action("Approve", `${base}/approve`) : false,
          open && supervised ? this.#action("Reject", `${base}/reject`) : false,
        ),
      ),
      h("pre", { class: "prompt-full" }, r.task.prompt.slice(0, 2000)),
      h(
        "dl",
        {},
        rows
          .filter(([, v]) => v !== undefined)
          .flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
      ),
      r.task.loop || rounds.length > 0
        ? h(
            "section",
            { class: "rounds", id: "task-rounds" },
            h(
              "h3",
              {},
              `Review rounds${r.round !== undefined ? ` (round ${r.round}${r.task.loop ? ` of ${r.task.loop.maxRounds}` : ""})` : ""}`,
            ),
            rounds.length === 0
              ? h("p", { class: "muted" }, "no round finished yet")
              : h(
                  "table",
                  {},
                  h(
                    "tr",
                    {},
                    h("th", {}, "round"),
                    h("th", {}, "phase"),
                    h("th", {}, "summary"),
                    h("th", {}, "artifact"),
                  ),
                  rounds.flatMap((rd) =>
                    rd.phases.map((p) =>
                      h(
                        "tr",
                        {},
                        h("td", {}, rd.round),
                        h("td", {}, p.phase),
                        h("td", {}, p.summary ?? ""),
                        h("td", {}, p.artifact ?? ""),
                      ),
                    ),
                  ),
                ),
          )
        : false,
      h("h3", {}, "Events ", this.#stream),
      this.#log,
    );
  }
}
