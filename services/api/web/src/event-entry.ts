import type { TaskEvent } from "@nightshift/contracts";
import { h } from "./dom.ts";
import { clock, money, span } from "./format.ts";

/** One line of a task's event log: agent text, tool calls and results, output, states. */
export function entry(e: TaskEvent): HTMLElement | undefined {
  const t = h("time", {}, clock(e.at));
  switch (e.type) {
    case "output":
      return h("div", { class: `ev ev-output ${e.stream}` }, t, e.line);
    case "assistant":
      return h("div", { class: "ev ev-assistant" }, t, e.text);
    case "tool_call":
      return h(
        "div",
        { class: "ev ev-tool" },
        t,
        h("b", {}, `→ ${e.name} `),
        JSON.stringify(e.input).slice(0, 400),
      );
    case "tool_result":
      return h(
        "div",
        { class: `ev ev-result${e.isError ? " error" : ""}` },
        t,
        h("b", {}, e.isError ? "← error " : "← "),
        e.output.slice(0, 1000),
      );
    case "state":
      return h(
        "div",
        { class: `ev ev-state ${e.state}` },
        t,
        h("span", { class: `badge ${e.state}` }, e.state),
        e.waitReason ?? e.reason ?? "",
        e.detail ? ` — ${e.detail}` : "",
      );
    case "agent":
      return h(
        "div",
        { class: "ev ev-agent" },
        t,
        e.phase === "spawned"
          ? `agent ${e.backend} started (pid ${e.pid ?? "?"}${e.dispatchMs !== undefined ? `, dispatched in ${span(e.dispatchMs)}` : ""})`
          : `agent exited ${e.signal ?? `with code ${e.exitCode ?? "?"}`}`,
      );
    case "log":
      return h("div", { class: `ev ev-log ${e.level}` }, t, e.message);
    case "error":
      return h("div", { class: "ev ev-error" }, t, `${e.code ? `${e.code}: ` : ""}${e.message}`);
    case "usage":
      return h(
        "div",
        { class: "ev ev-usage" },
        t,
        `${e.usage.turns} turns, ${e.usage.inputTokens}/${e.usage.outputTokens} tokens, ${money(e.usage.costUsd)}`,
      );
    case "round":
      return h(
        "div",
        { class: "ev ev-round" },
        t,
        `round ${e.round}: ${e.phase}${e.summary ? ` — ${e.summary}` : ""}`,
      );
  }
}
