import { describe, expect, it } from "vitest";
import { deterministicTaskId, newTaskId, repoKey, TASK_ID_PATTERN } from "./ids.ts";

describe("ids", () => {
  it("makes subject-safe, time-ordered task ids", () => {
    const a = newTaskId(1_700_000_000_000);
    const b = newTaskId(1_700_000_000_001);
    expect(a).toMatch(TASK_ID_PATTERN);
    expect(a < b).toBe(true);
    expect(newTaskId()).not.toBe(newTaskId());
  });

  it("derives the same id from the same source key", () => {
    const a = deterministicTaskId("gh", "gh:acme/web#12:labeled-1");
    expect(a).toBe(deterministicTaskId("gh", "gh:acme/web#12:labeled-1"));
    expect(a).not.toBe(deterministicTaskId("gh", "gh:acme/web#12:labeled-2"));
    expect(a).toMatch(TASK_ID_PATTERN);
  });

  it("makes subject-safe repo keys that ignore a trailing .git", () => {
    const key = repoKey("https://github.com/acme/web.git");
    expect(key).toMatch(/^acme-web_[0-9a-f]{8}$/);
    expect(repoKey("https://github.com/acme/web")).toBe(key);
    expect(repoKey("/tmp/x y/My.Repo")).toMatch(/^x-y-my-repo_[0-9a-f]{8}$/);
    expect(repoKey("git@github.com:acme/web.git")).not.toMatch(/[.*> ]/);
  });
});
