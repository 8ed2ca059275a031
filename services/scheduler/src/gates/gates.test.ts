import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processesMatching } from "@nightshift/testkit";
import { evaluateGate, type GateContext } from "./index.ts";
import { startFakeGithub, type FakeGithub } from "./github-fake.int.ts";

const slot = new Date("2026-11-21T02:00:00Z");
const ctx = (over: Partial<GateContext> = {}): GateContext => ({
  env: { PATH: process.env["PATH"] },
  cwd: tmpdir(),
  githubApiUrl: "http://127.0.0.1:9",
  githubToken: undefined,
  schedule: "nightly",
  slot,
  ...over,
});

describe("command gate", () => {
  it("passes on exit code 0 and skips on another code, with the output as detail", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-gate-"));
    writeFileSync(join(dir, "queue.txt"), "one item\n");
    const pass = await evaluateGate(
      {
        type: "command",
        command: 'test -s queue.txt && echo "$NIGHTSHIFT_SCHEDULE $NIGHTSHIFT_SLOT"',
        timeout: 5_000,
        cwd: dir,
      },
      ctx(),
    );
    expect(pass).toEqual({ pass: true, detail: "exit code 0: nightly 2026-11-21T02:00:00.000Z" });
    const skip = await evaluateGate(
      { type: "command", command: "echo nothing to do >&2; exit 1", timeout: 5_000 },
      ctx({ cwd: dir }),
    );
    expect(skip).toEqual({ pass: false, error: false, detail: "exit code 1: nothing to do" });
  });

  it("uses the scheduler's working directory and environment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-gate-"));
    const r = await evaluateGate(
      { type: "command", command: 'test "$(pwd)" = "$EXPECTED"', timeout: 5_000 },
      ctx({ cwd: dir, env: { PATH: process.env["PATH"], EXPECTED: dir } }),
    );
    expect(r.pass).toBe(true);
  });

  it("treats a missing command as a gate error, not as nothing to do", async () => {
    const r = await evaluateGate(
      { type: "command", command: "no-such-command-xyz", timeout: 5_000 },
      ctx(),
    );
    expect(r).toMatchObject({ pass: false, error: true });
    expect(r.detail).toMatch(/^exit code 127/);
  });

  it("kills the gate's process group at the timeout and reports an error", async () => {
    // A unique sleep argument finds the background child too, which is not in sh's command line.
    const marker = `${1000 + (process.pid % 1000)}.${Date.now() % 997}`;
    const started = Date.now();
    const r = await evaluateGate(
      { type: "command", command: `sleep ${marker} & sleep ${marker}; echo done`, timeout: 300 },
      ctx(),
    );
    expect(r).toEqual({ pass: false, error: true, detail: "timed out after 300 ms" });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);
  });
});

describe("github-issues gate", () => {
  let gh: FakeGithub;
  beforeAll(async () => {
    gh = await startFakeGithub({
      token: "ghp_test",
      repos: {
        "acme/web": [
          { number: 1, title: "a pull request", labels: ["nightshift"], pullRequest: true },
          { number: 2, title: "closed", labels: ["nightshift"], state: "closed" },
          { number: 3, title: "other label", labels: ["bug"] },
        ],
        "acme/api": [
          ...Array.from({ length: 150 }, (_, i) => ({
            number: 10 + i,
            title: `pr ${i}`,
            labels: ["nightshift"],
            pullRequest: true,
          })),
          { number: 500, title: "the real issue", labels: ["nightshift", "bug"] },
        ],
      },
    });
  });
  afterAll(() => gh.close());

  const gate = (repo: string, label = "nightshift") => ({
    type: "github-issues" as const,
    repo,
    label,
  });

  it("skips when only pull requests, closed issues or other labels exist", async () => {
    const r = await evaluateGate(
      gate("acme/web"),
      ctx({ githubApiUrl: gh.url, githubToken: "ghp_test" }),
    );
    expect(r).toEqual({
      pass: false,
      error: false,
      detail: 'no open issues labelled "nightshift" in acme/web',
    });
    const req = gh.requests.at(-1)!;
    expect(req.authorization).toBe("Bearer ghp_test");
    expect(req.accept).toBe("application/vnd.github+json");
    expect(req.path).toBe("/repos/acme/web/issues?state=open&labels=nightshift&per_page=100");
  });

  it("follows pagination past pull requests to the first real issue", async () => {
    const before = gh.requests.length;
    const r = await evaluateGate(
      gate("acme/api"),
      ctx({ githubApiUrl: `${gh.url}/`, githubToken: "ghp_test" }),
    );
    expect(r).toEqual({ pass: true, detail: 'open issue #500 labelled "nightshift" in acme/api' });
    expect(gh.requests.length - before).toBe(2);
    expect(gh.requests.at(-1)!.path).toContain("page=2");
  });

  it("works without a token and reports API failures as gate errors", async () => {
    expect((await evaluateGate(gate("acme/api", "bug"), ctx({ githubApiUrl: gh.url }))).pass).toBe(
      true,
    );
    expect(gh.requests.at(-1)!.authorization).toBeUndefined();
    expect(
      await evaluateGate(gate("acme/web"), ctx({ githubApiUrl: gh.url, githubToken: "wrong" })),
    ).toEqual({
      pass: false,
      error: true,
      detail: "GitHub API answered 401: Bad credentials",
    });
    expect(await evaluateGate(gate("acme/nope"), ctx({ githubApiUrl: gh.url }))).toEqual({
      pass: false,
      error: true,
      detail: "GitHub API answered 404: Not Found",
    });
    gh.rateLimited = true;
    try {
      const r = await evaluateGate(gate("acme/web"), ctx({ githubApiUrl: gh.url }));
      expect(r).toMatchObject({ pass: false, error: true });
      expect(r.detail).toBe(
        "GitHub API rate limit exceeded until 2030-01-01T00:00:00.000Z: API rate limit exceeded for user ID 1.",
      );
    } finally {
      gh.rateLimited = false;
    }
    const down = await evaluateGate(gate("acme/web"), ctx({ githubApiUrl: "http://127.0.0.1:9" }));
    expect(down).toMatchObject({ pass: false, error: true });
    expect(down.detail).toMatch(/^GitHub API unreachable/);
  });
});
