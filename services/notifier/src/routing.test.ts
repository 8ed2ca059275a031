import { describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { eventName, isTerminalName, repoMatches, routeChannels } from "./routing.ts";

function rules(raw: unknown[]) {
  const channels = Object.fromEntries(["a", "b", "c"].map((n) => [n, { type: "source" }]));
  return parseConfig({ notifier: { channels, rules: raw } }, {}).config.notifier.rules;
}

const base = { v: 1 as const, taskId: "t1", at: "2026-11-21T02:00:00.000Z", attempt: 1 };

describe("routing", () => {
  it("names the events that can notify", () => {
    expect(eventName({ ...base, type: "state", state: "failed" })).toBe("failed");
    expect(eventName({ ...base, type: "round", round: 2, phase: "review" })).toBe("round");
    expect(eventName({ ...base, type: "output", stream: "stdout", line: "x" })).toBeUndefined();
    expect(isTerminalName("blocked")).toBe(true);
    expect(isTerminalName("running")).toBe(false);
    expect(isTerminalName("escalation")).toBe(false);
  });

  it("sends terminal states and escalations by default, each channel once", () => {
    const r = rules([{ channels: ["a", "b"] }, { channels: ["b", "c"], on: ["failed"] }]);
    expect(routeChannels(r, {}, ["succeeded"])).toEqual(["a", "b"]);
    expect(routeChannels(r, {}, ["failed"])).toEqual(["a", "b", "c"]);
    expect(routeChannels(r, {}, ["escalation"])).toEqual(["a", "b"]);
    expect(routeChannels(r, {}, ["running"])).toEqual([]);
    expect(routeChannels(r, {}, ["running", "round", "failed"])).toEqual(["a", "b", "c"]);
  });

  it("filters by source, repository and schedule", () => {
    const r = rules([
      { channels: ["a"], sources: ["schedule"], schedules: ["nightly"] },
      { channels: ["b"], repos: ["acme/web"] },
      { channels: ["c"], sources: ["github", "linear"] },
    ]);
    expect(routeChannels(r, { source: "schedule", schedule: "nightly" }, ["failed"])).toEqual([
      "a",
    ]);
    expect(routeChannels(r, { source: "schedule", schedule: "weekly" }, ["failed"])).toEqual([]);
    expect(routeChannels(r, { source: "cli", schedule: "nightly" }, ["failed"])).toEqual([]);
    expect(
      routeChannels(r, { source: "github", repo: "https://github.com/acme/web.git" }, ["failed"]),
    ).toEqual(["b", "c"]);
    expect(
      routeChannels(r, { source: "linear", repo: "https://github.com/acme/api" }, ["failed"]),
    ).toEqual(["c"]);
    expect(routeChannels(r, {}, ["failed"])).toEqual([]);
  });

  it("matches repositories by URL, path or owner/name", () => {
    expect(repoMatches("acme/web", "https://github.com/acme/web.git")).toBe(true);
    expect(repoMatches("acme/web", "git@github.com:acme/web.git")).toBe(true);
    expect(repoMatches("acme/web", "https://github.com/acme/web/")).toBe(true);
    expect(repoMatches("acme/web", "https://github.com/xacme/web")).toBe(false);
    expect(repoMatches("/srv/repos/web", "/srv/repos/web")).toBe(true);
    expect(repoMatches("https://github.com/acme/web", "https://github.com/acme/web.git")).toBe(
      true,
    );
    expect(repoMatches("acme/web", undefined)).toBe(false);
  });
});
