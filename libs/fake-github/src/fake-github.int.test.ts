import { createSign } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "./server.ts";

let gh: FakeGitHub;
let token: string;

beforeAll(async () => {
  gh = await startFakeGitHub({ rateLimit: 100 });
  await gh.state.createRepo("acme/web", {
    files: { "a.txt": "1\n" },
    collaborators: { alice: "write" },
  });
  token = gh.token("alice");
});
afterAll(async () => {
  await gh.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${gh.url}${path}`, { headers: { authorization: `token ${token}`, ...headers } });

function jwt(appId: string, key: string, lifetime = 540): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ iat: now - 30, exp: now + lifetime, iss: appId })}`;
  return `${head}.${createSign("RSA-SHA256").update(head).sign(key, "base64url")}`;
}

describe("the fake GitHub behaves like GitHub", () => {
  it("wants credentials and counts every answer but a 304 against the rate limit", async () => {
    expect((await fetch(`${gh.url}/repos/acme/web`)).status).toBe(401);
    const first = await get("/repos/acme/web");
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    const left = Number(first.headers.get("x-ratelimit-remaining"));
    expect(first.headers.get("x-ratelimit-limit")).toBe("100");
    const again = await get("/repos/acme/web", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(Number(again.headers.get("x-ratelimit-remaining"))).toBe(left);
    expect(Number((await get("/repos/acme/web")).headers.get("x-ratelimit-remaining"))).toBe(
      left - 1,
    );
  });

  it("pages listings with Link headers", async () => {
    for (let i = 0; i < 5; i++) gh.state.openIssue("acme/web", { title: `i${i}`, author: "alice" });
    const r = await get("/repos/acme/web/issues?per_page=2");
    const link = r.headers.get("link")!;
    expect((await r.json()) as unknown[]).toHaveLength(2);
    expect(link).toContain('rel="next"');
    expect(link).toContain("page=3");
    const last = await get("/repos/acme/web/issues?per_page=2&page=3");
    expect(last.headers.get("link")).not.toContain('rel="next"');
  });

  it("refuses with GitHub's secondary and primary limit answers, and fails on demand", async () => {
    gh.fail({ kind: "secondary", retryAfterSec: 7 });
    const s = await get("/repos/acme/web");
    expect(s.status).toBe(403);
    expect(s.headers.get("retry-after")).toBe("7");
    expect(((await s.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    gh.fail({ kind: "status", status: 502 });
    expect((await get("/repos/acme/web")).status).toBe(502);
    const other = gh.token("bob");
    gh.fail({ kind: "primary", retryAfterSec: 120, match: /GET \/user$/ });
    const p = await fetch(`${gh.url}/user`, { headers: { authorization: `token ${other}` } });
    expect(p.status).toBe(403);
    expect(p.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(p.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000 + 100);
  });

  it("answers permission lookups", async () => {
    gh.state.addUser("mallory");
    const perm = async (u: string): Promise<string> => {
      const r = await get(`/repos/acme/web/collaborators/${u}/permission`);
      return r.status === 200
        ? ((await r.json()) as { permission: string }).permission
        : String(r.status);
    };
    expect(await perm("acme")).toBe("admin");
    expect(await perm("alice")).toBe("write");
    expect(await perm("mallory")).toBe("read");
    expect(await perm("ghost")).toBe("404");
  });

  it("authenticates an App by a signed JWT and hands out installation tokens", async () => {
    gh.app.installations.set(9, new Set(["acme/web"]));
    const good = jwt(gh.app.id, gh.app.privateKey);
    expect(
      (await fetch(`${gh.url}/app`, { headers: { authorization: `Bearer ${good}` } })).status,
    ).toBe(200);
    const forged = jwt(
      gh.app.id,
      (await import("node:crypto"))
        .generateKeyPairSync("rsa", { modulusLength: 2048 })
        .privateKey.export({ type: "pkcs1", format: "pem" })
        .toString(),
    );
    expect(
      (await fetch(`${gh.url}/app`, { headers: { authorization: `Bearer ${forged}` } })).status,
    ).toBe(401);
    expect(
      (
        await fetch(`${gh.url}/app`, {
          headers: { authorization: `Bearer ${jwt(gh.app.id, gh.app.privateKey, 3600)}` },
        })
      ).status,
    ).toBe(401);
    const t = await fetch(`${gh.url}/app/installations/9/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${good}` },
    });
    const { token: inst } = (await t.json()) as { token: string };
    expect(
      (await fetch(`${gh.url}/repos/acme/web`, { headers: { authorization: `token ${inst}` } }))
        .status,
    ).toBe(200);
    await gh.state.createRepo("other/x");
    expect(
      (await fetch(`${gh.url}/repos/other/x`, { headers: { authorization: `token ${inst}` } }))
        .status,
    ).toBe(404);
  });

  it("is a real git remote: clones, pushes, and pull requests whose mergeability git decides", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fake-clone-"));
    const repo = (await (await get("/repos/acme/web")).json()) as { clone_url: string };
    await promisify(execFile)("git", ["clone", "--quiet", repo.clone_url, dir]);
    expect(await readFile(join(dir, "a.txt"), "utf8")).toBe("1\n");
    await gh.state.push("acme/web", "feature", { "a.txt": "feature\n" });
    const open = await fetch(`${gh.url}/repos/acme/web/pulls`, {
      method: "POST",
      headers: { authorization: `token ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "f", head: "feature", base: "main", body: "b" }),
    });
    expect(open.status).toBe(201);
    const pr = (await open.json()) as { number: number };
    const dup = await fetch(`${gh.url}/repos/acme/web/pulls`, {
      method: "POST",
      headers: { authorization: `token ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "f", head: "feature", base: "main" }),
    });
    expect(dup.status).toBe(422);
    const mergeable = async () =>
      ((await (await get(`/repos/acme/web/pulls/${pr.number}`)).json()) as { mergeable: boolean })
        .mergeable;
    expect(await mergeable()).toBe(true);
    await gh.state.push("acme/web", "main", { "a.txt": "main moved\n" });
    expect(await mergeable()).toBe(false);
  });
});
