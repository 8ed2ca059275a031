import { describe, expect, it } from "vitest";
import type { Escalation } from "@nightshift/contracts";
import { finishedTask } from "../fixture.int.ts";
import { viewOf } from "../summary.ts";
import { blockKitProblems } from "./block-kit-rules.int.ts";
import { escapeMrkdwn, fit, slackMessage } from "./slack-blocks.ts";

const taskUrl = "https://ns.example.com/tasks/{taskId}";

describe("Slack Block Kit messages", () => {
  it("shows outcome, cost, duration and links for a finished task", () => {
    const { record, event } = finishedTask();
    const msg = slackMessage(
      viewOf({ id: "t-1", kind: "terminal", record, events: [event] }, taskUrl),
    );
    expect(blockKitProblems(msg)).toEqual([]);
    expect(msg.text).toBe("✅ Succeeded: nightly: Update the dependencies");
    const fields = (msg.blocks[1] as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields).toEqual([
      "*Outcome*\nsucceeded",
      "*Cost*\n$0.4321",
      "*Duration*\n12m 33s",
      "*Attempts*\n1",
      "*Repository*\nhttps://github.com/acme/web.git",
      "*Source*\nschedule sched:nightly:2026-11-21T02:00:00.000Z",
    ]);
    expect(msg.blocks[2]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "Bumped 3 packages; tests pass." },
    });
    const buttons = (msg.blocks[3] as { elements: { text: { text: string }; url: string }[] })
      .elements;
    expect(buttons.map((b) => [b.text.text, b.url])).toEqual([
      ["Pull request", "https://github.com/acme/web/pull/42"],
      ["Task", "https://ns.example.com/tasks/01jx3y7k9m2task"],
    ]);
    expect(msg.blocks[4]).toMatchObject({ type: "context" });
  });

  it("stays valid with hostile and oversized content", () => {
    const long = "<@here> & <!channel> ".repeat(800);
    const { record, event } = finishedTask({
      state: "failed",
      reason: "exit-code",
      result: {
        outcome: "exit-code",
        summary: long,
        pushed: false,
        pullRequestUrl: `https://x.example/${"p".repeat(3100)}`,
      },
    });
    record.task.prompt = `${"T".repeat(400)}\nmore`;
    record.task.repo = { url: `https://git.example/${"r".repeat(2500)}`, key: "r_1" };
    const msg = slackMessage(
      viewOf({ id: "t-2", kind: "terminal", record, events: [event] }, taskUrl),
    );
    expect(blockKitProblems(msg)).toEqual([]);
    const text = JSON.stringify(msg);
    expect(text).not.toContain("<@here>");
    expect(text).toContain("&lt;@here&gt; &amp;");
  });

  it("renders escalations and coalesced progress validly", () => {
    const esc: Escalation = {
      v: 1,
      id: "esc-1",
      at: "2026-11-21T02:00:00.000Z",
      source: "github",
      rule: "red-ci",
      title: "CI failing on main needs a human",
      reason: "3 consecutive failures in e2e",
      url: "https://github.com/acme/web/actions/runs/1",
      repo: "acme/web",
      attributes: {},
    };
    const e = slackMessage(
      viewOf({ id: "e-esc-1", kind: "escalation", events: [], escalation: esc }),
    );
    expect(blockKitProblems(e)).toEqual([]);
    expect(e.text).toBe("🚨 Escalation: CI failing on main needs a human");
    const { record } = finishedTask({ state: "running" });
    const base = { v: 1 as const, taskId: record.id, attempt: 1 };
    const p = slackMessage(
      viewOf({
        id: "p-1",
        kind: "progress",
        record,
        events: [
          {
            ...base,
            at: "2026-11-21T02:01:00.000Z",
            type: "round",
            round: 1,
            phase: "review",
            summary: "2 fixes asked",
          },
          { ...base, at: "2026-11-21T02:02:00.000Z", type: "round", round: 2, phase: "work" },
        ],
      }),
    );
    expect(blockKitProblems(p)).toEqual([]);
    expect(p.text).toBe("🔁 Round: nightly: Update the dependencies");
    expect(JSON.stringify(p)).toContain(
      "02:01:00 round 1 review: 2 fixes asked\\n02:02:00 round 2 work",
    );
  });

  it("the rules catch what Slack refuses", () => {
    const ok = { text: "x", blocks: [{ type: "header", text: { type: "plain_text", text: "x" } }] };
    expect(blockKitProblems(ok)).toEqual([]);
    expect(
      blockKitProblems({
        ...ok,
        blocks: [{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }],
      }),
    ).not.toEqual([]);
    expect(
      blockKitProblems({
        ...ok,
        blocks: [{ type: "header", text: { type: "mrkdwn", text: "x" } }],
      }),
    ).not.toEqual([]);
    expect(
      blockKitProblems({
        ...ok,
        blocks: [
          {
            type: "section",
            fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })),
          },
        ],
      }),
    ).not.toEqual([]);
    expect(blockKitProblems({ ...ok, blocks: [{ type: "section" }] })).not.toEqual([]);
    expect(
      blockKitProblems({
        ...ok,
        blocks: [{ type: "section", text: { type: "mrkdwn", text: "" } }],
      }),
    ).not.toEqual([]);
    expect(
      blockKitProblems({
        ...ok,
        blocks: [
          {
            type: "actions",
            elements: [{ type: "button", text: { type: "plain_text", text: "b".repeat(76) } }],
          },
        ],
      }),
    ).not.toEqual([]);
    expect(
      blockKitProblems({ ...ok, blocks: Array.from({ length: 51 }, () => ok.blocks[0]) }),
    ).not.toEqual([]);
    expect(blockKitProblems({ blocks: ok.blocks })).not.toEqual([]);
  });

  it("escapes mrkdwn and cuts to a limit without breaking entities or surrogates", () => {
    expect(escapeMrkdwn("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
    const cut = fit("&&&&&&&&&&", 12, escapeMrkdwn);
    expect(cut.length).toBeLessThanOrEqual(12);
    expect(cut).toBe("&amp;&amp;…");
    expect(fit("😀😀😀", 4)).toBe("😀…");
    expect(fit("short", 10)).toBe("short");
  });
});
