import { describe, expect, it } from "vitest";
import { isBot, TriggerPolicy } from "./who-may-trigger.ts";

function policy(
  perms: Record<string, string>,
  o: { allowUsers?: string[]; allowBots?: string[] } = {},
) {
  const asked: string[] = [];
  let now = 0;
  const p = new TriggerPolicy({
    self: "nightshift-bot",
    allowUsers: o.allowUsers ?? [],
    allowBots: o.allowBots ?? [],
    permission: (_repo, login) => {
      asked.push(login);
      return Promise.resolve(perms[login] ?? "none");
    },
    cacheMs: 1000,
    now: () => now,
  });
  return { p, asked, tick: (ms: number) => (now += ms) };
}

describe("who may trigger", () => {
  it("lets people with write permission trigger, and nobody else", async () => {
    const { p } = policy({ alice: "admin", bob: "write", carol: "maintain", mallory: "read" });
    for (const login of ["alice", "bob", "carol"])
      expect((await p.check("a/b", { login })).ok).toBe(true);
    expect(await p.check("a/b", { login: "mallory" })).toEqual({
      ok: false,
      why: "mallory has read permission on a/b",
    });
    expect((await p.check("a/b", { login: "stranger" })).ok).toBe(false);
    expect((await p.check("a/b", null)).ok).toBe(false);
  });

  it("ignores bots, by type or by a name ending in [bot], and the agent itself, unless allowed", async () => {
    const { p } = policy({
      "something[bot]": "write",
      renovate: "write",
      "nightshift-bot": "write",
    });
    expect(isBot({ login: "something[bot]", type: "User" })).toBe(true);
    expect((await p.check("a/b", { login: "something[bot]", type: "User" })).ok).toBe(false);
    expect((await p.check("a/b", { login: "Something[BOT]" })).ok).toBe(false);
    expect((await p.check("a/b", { login: "renovate", type: "Bot" })).ok).toBe(false);
    expect((await p.check("a/b", { login: "Nightshift-Bot" })).ok).toBe(false);
    const allowed = policy({}, { allowBots: ["renovate[bot]", "nightshift-bot"] }).p;
    expect((await allowed.check("a/b", { login: "renovate[bot]", type: "Bot" })).ok).toBe(true);
    expect((await allowed.check("a/b", { login: "nightshift-bot" })).ok).toBe(true);
  });

  it("accepts the allowlist without asking GitHub, and caches permissions for a while", async () => {
    const { p, asked, tick } = policy({ bob: "write" }, { allowUsers: ["Contractor-Jo"] });
    expect((await p.check("a/b", { login: "contractor-jo" })).ok).toBe(true);
    await p.check("a/b", { login: "bob" });
    await p.check("a/b", { login: "bob" });
    expect(asked).toEqual(["bob"]);
    tick(1500);
    await p.check("a/b", { login: "bob" });
    expect(asked).toEqual(["bob", "bob"]);
  });
});
