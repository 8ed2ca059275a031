import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubConfig } from "@nightshift/config";
import { startFakeGitHub, type FakeGitHub } from "@nightshift/fake-github";
import { GitHubApi } from "./api.ts";
import { connectGitHub } from "./connect.ts";
import { GitHubError, GitHubRateLimitError } from "./errors.ts";
import { createConnector, type GitHubExchange } from "./octokit.ts";

let gh: FakeGitHub;
const REPO = "acme/web";

function config(extra: Record<string, unknown> = {}): GitHubConfig {
  return GitHubConfig.parse({
    apiUrl: gh.url,
    writeSpacing: 0,
    contentSpacing: 0,
    maxRateLimitWait: "2s",
    ...extra,
  });
}

function api(login = "nightshift-bot", extra: Record<string, unknown> = {}) {
  const seen: GitHubExchange[] = [];
  const a = connectGitHub(config(extra), { GITHUB_TOKEN: gh.token(login) }, (e) => seen.push(e));
  if (!a) throw new Error("no api");
  return { api: a, seen };
}

beforeAll(async () => {
  gh = await startFakeGitHub();
  await gh.state.createRepo(REPO, { collaborators: { "nightshift-bot": "write", alice: "write" } });
});
afterAll(async () => {
  await gh.stop();
});

describe("GitHub client against the fake", () => {
  it("follows Link pages and answers a repeated listing with 304 that costs no rate limit", async () => {
    for (let i = 0; i < 130; i++)
      gh.state.openIssue(REPO, { title: `issue ${i}`, author: "alice" });
    const { api: a, seen } = api();
    const first = await a.issuesSince(REPO, undefined);
    expect(first.notModified).toBe(false);
    if (first.notModified) return;
    expect(first.data).toHaveLength(130);
    expect(seen.filter((e) => e.url.includes("/issues"))).toHaveLength(2);
    const remaining = seen.at(-1)?.remaining;
    const again = await a.issuesSince(REPO, undefined, first.etag);
    expect(again).toEqual({ notModified: true });
    expect(seen.at(-1)?.status).toBe(304);
    expect(seen.at(-1)?.remaining).toBe(remaining);
    gh.state.comment(REPO, 3, "alice", "changes the listing");
    const changed = await a.issuesSince(REPO, undefined, first.etag);
    expect(changed.notModified).toBe(false);
  });

  it("waits out a secondary rate limit for retry-after seconds, then succeeds", async () => {
    const { api: a, seen } = api();
    gh.fail({ kind: "secondary", retryAfterSec: 1, match: /GET \/repos\/acme\/web$/ });
    const t0 = Date.now();
    const repo = await a.repo(REPO);
    expect(repo.default_branch).toBe("main");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(seen.map((e) => e.status)).toEqual([403, 200]);
  });

  it("does not sleep through a long limit: it throws a rate-limit error with the wait", async () => {
    const { api: a } = api("alice");
    gh.fail({ kind: "secondary", retryAfterSec: 120, match: /GET \/repos\/acme\/web$/ });
    const err = await a.repo(REPO).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubRateLimitError);
    expect((err as GitHubRateLimitError).delayMs).toBe(120_000);
    expect((err as GitHubRateLimitError).kind).toBe("secondary");
    gh.fail({ kind: "primary", retryAfterSec: 600, match: /GET \/repos\/acme\/web$/ });
    const primary = await a.repo(REPO).catch((e: unknown) => e);
    expect(primary).toBeInstanceOf(GitHubRateLimitError);
    expect((primary as GitHubRateLimitError).kind).toBe("primary");
    expect((primary as GitHubRateLimitError).delayMs).toBeGreaterThan(500_000);
  });

  it("retries a server error once, and only once", async () => {
    const { api: a, seen } = api("carol");
    gh.fail({ kind: "status", status: 502, match: /GET \/repos\/acme\/web$/ });
    await a.repo(REPO);
    expect(seen.map((e) => e.status)).toEqual([502, 200]);
    gh.fail({ kind: "status", status: 503, times: 2, match: /GET \/repos\/acme\/web$/ });
    const t0 = Date.now();
    const err = await a.repo(REPO).catch((e: unknown) => e);
    // The wait before a retry does not grow from one request to the next.
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).status).toBe(503);
    expect((err as GitHubError).code).toBe("RETRYABLE");
  });

  it("looks up permissions, treating unknown users as none", async () => {
    const { api: a } = api();
    expect(await a.permission(REPO, "alice")).toBe("write");
    gh.state.addUser("mallory");
    expect(await a.permission(REPO, "mallory")).toBe("read");
    expect(await a.permission(REPO, "nobody-at-all")).toBe("none");
  });

  it("authenticates as a GitHub App through an installation token", async () => {
    gh.app.installations.set(77, new Set([REPO]));
    const a = new GitHubApi(
      createConnector({
        auth: { kind: "app", appId: gh.app.id, privateKey: gh.app.privateKey },
        apiUrl: gh.url,
        timeoutMs: 5000,
        retries: 0,
        maxRateLimitWaitMs: 1000,
        writeSpacingMs: 0,
        contentSpacingMs: 0,
      }),
    );
    expect(await a.login()).toBe("nightshift-test[bot]");
    const c = await a.createComment(REPO, 1, "hello from the app");
    expect(gh.state.repo(REPO).comments.get(c.id)?.user).toBe("nightshift-test[bot]");
    const outsider = await a.repo("acme/other").catch((e: unknown) => e);
    expect(outsider).toBeInstanceOf(GitHubError);
  });

  it("reaches GitHub Enterprise under /api/v3 via apiUrl", async () => {
    const ghe = await startFakeGitHub({ prefix: "/api/v3" });
    try {
      await ghe.state.createRepo("corp/app");
      const a = connectGitHub(GitHubConfig.parse({ apiUrl: ghe.url }), {
        GITHUB_TOKEN: ghe.token("corp"),
      })!;
      expect(ghe.url).toMatch(/\/api\/v3$/);
      expect((await a.repo("corp/app")).full_name).toBe("corp/app");
      expect(await a.login()).toBe("corp");
    } finally {
      await ghe.stop();
    }
  });

  it("maps a missing resource to NOT_FOUND", async () => {
    const { api: a } = api();
    const err = await a.issue(REPO, 99_999).catch((e: unknown) => e);
    expect((err as GitHubError).code).toBe("NOT_FOUND");
  });
});
