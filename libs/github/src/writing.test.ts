import { describe, expect, it } from "vitest";
import { nextLink } from "./links.ts";
import { hasMarker, marker, parseMarkers } from "./markers.ts";
import { shortReason } from "./short-reason.ts";
import { renderStatus } from "./status-comment.ts";
import { statusLabel } from "./status-labels.ts";
import { issueReference, threadAttributes, threadOf } from "./thread.ts";

describe("what nightshift writes on GitHub", () => {
  it("puts hidden markers in and finds them again", () => {
    const m = marker({ task: "gh-abc", issue: "acme/web#12" });
    expect(m).toBe("<!-- nightshift:task=gh-abc issue=acme/web#12 -->");
    const body = `text\n${m}\n${marker({ task: "gh-def", kind: "status" })}`;
    expect(parseMarkers(body)).toEqual([
      { task: "gh-abc", issue: "acme/web#12" },
      { task: "gh-def", kind: "status" },
    ]);
    expect(hasMarker(body, { task: "gh-def", kind: "status" })).toBe(true);
    expect(hasMarker(body, { task: "gh-abc", kind: "status" })).toBe(false);
    expect(marker({ a: "x y>z" })).toBe("<!-- nightshift:a=x_y_z -->");
  });

  it("reduces a failure to a short public reason: no stack trace, no path, no secret", () => {
    const detail = [
      "Error: push failed for ghp_abcdefghijklmnopqrstuvwxyz0123 at /home/runner/work/x.ts",
      "    at push (/srv/app/dist/git.js:10:5)",
      "    at async run (/srv/app/dist/run.js:3:1)",
    ].join("\n");
    const r = shortReason("push-failed", detail, ["hunter2-secret"]);
    expect(r).toBe("push-failed: Error: push failed for [REDACTED] at <path>");
    expect(shortReason("x", "the password is hunter2-secret", ["hunter2-secret"])).toBe(
      "x: the password is [REDACTED]",
    );
    expect(shortReason(undefined, undefined, [])).toBe("unknown failure");
    expect(shortReason("r", "y".repeat(1000), []).length).toBeLessThanOrEqual(280);
  });

  it("renders one status comment that ends in the pull request's link", () => {
    const body = renderStatus({
      taskId: "gh-1",
      state: "succeeded",
      trigger: "@alice labelled this issue for me.",
      pullRequestUrl: "https://github.test/a/b/pull/3",
    });
    expect(body.split("\n")[0]).toBe("<!-- nightshift:task=gh-1 kind=status -->");
    expect(body.endsWith("Pull request: https://github.test/a/b/pull/3")).toBe(true);
    const failed = renderStatus({
      taskId: "gh-1",
      state: "failed",
      trigger: "t",
      attempt: { n: 1, max: 3 },
      reason: "exit-code: agent exited with code 3",
      retryAt: "2026-01-01T00:00:00.000Z",
      branch: "nightshift/gh-1",
    });
    expect(failed).toContain("**failed** (attempt 1 of 3)");
    expect(failed).toContain("I will try again after 2026-01-01T00:00:00.000Z.");
    expect(failed).toContain("Work so far is on branch `nightshift/gh-1`.");
    expect(
      renderStatus({ taskId: "x", state: "succeeded", trigger: "t" }, { marker: false }),
    ).not.toContain("<!--");
  });

  it("maps states to the four status labels", () => {
    const labels = { inProgress: "ip", done: "d", failed: "f", blocked: "b" };
    expect(
      ["queued", "waiting", "running", "succeeded", "failed", "cancelled", "blocked"].map((s) =>
        statusLabel(labels, s as never),
      ),
    ).toEqual(["ip", "ip", "ip", "d", "f", "f", "b"]);
  });

  it("carries a thread in task attributes and reads it back", () => {
    const t = {
      repo: "acme/web",
      number: 12,
      thread: "issue" as const,
      trigger: "issue",
      target: "acme/api",
    };
    const attrs = threadAttributes(t);
    expect(attrs).toEqual({
      repo: "acme/web",
      number: "12",
      thread: "issue",
      trigger: "issue",
      target: "acme/api",
    });
    expect(threadOf({ kind: "github", attributes: attrs })).toEqual(t);
    expect(threadOf({ kind: "linear", attributes: attrs })).toBeUndefined();
    expect(threadOf({ kind: "github", attributes: {} })).toBeUndefined();
    expect(issueReference(t, "acme/web")).toBe("#12");
    expect(issueReference(t, "acme/api")).toBe("acme/web#12");
  });

  it("follows rel=next in Link headers", () => {
    expect(nextLink('<https://x/2>; rel="next", <https://x/9>; rel="last"')).toBe("https://x/2");
    expect(nextLink('<https://x/1>; rel="prev"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});
