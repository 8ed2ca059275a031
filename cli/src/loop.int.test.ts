import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskRounds } from "@nightshift/client";
import { parseConfig } from "@nightshift/config";
import type { TaskRecord } from "@nightshift/contracts";
import {
  connectNats,
  openBus,
  provision,
  type Bus,
  type NatsConnection,
} from "@nightshift/messaging";
import { loopScript, reply, startModelServer, type ModelServer } from "@nightshift/model-server";
import { makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { runBuiltCli, startBuiltCli, type CliProcess } from "./cli-process.int.ts";

let nats: TestNats;
let model: ModelServer;
let nc: NatsConnection;
let bus: Bus;
const procs: CliProcess[] = [];
const root = mkdtempSync(join(tmpdir(), "ns-loop-cli-"));
chmodSync(root, 0o755);
const CONFIG = {
  http: { port: 0 },
  nats: { ackWait: "3s", heartbeat: "500ms", leaseTtl: "2s" },
  executor: { slots: 1, workspaces: join(root, "ws"), busyDelay: "300ms", retryDelay: "200ms" },
  backends: {
    api: { type: "anthropic", model: "claude-sonnet-4-6" },
    critic: { type: "anthropic", model: "claude-opus-4-1" },
  },
};
const cfgPath = join(root, "nightshift.yml");
const env = () => ({
  NATS_URL: nats.url,
  ANTHROPIC_BASE_URL: model.url,
  ANTHROPIC_API_KEY: "sk-ant-test",
  LOG_LEVEL: "info",
});

beforeAll(async () => {
  nats = await startTestNats();
  model = await startModelServer({ apiKey: "sk-ant-test" });
  nc = await connectNats({ servers: nats.url, name: "test-client" });
  await provision(nc, parseConfig(CONFIG, {}).config.nats);
  bus = await openBus(nc);
  writeFileSync(cfgPath, JSON.stringify(CONFIG));
});
afterAll(async () => {
  for (const p of procs) p.child.kill("SIGKILL");
  await nc.close();
  await model.close();
  await nats.dispose();
});

function executor(): CliProcess {
  const p = startBuiltCli(["--config", cfgPath, "service", "executor"], { cwd: root, env: env() });
  procs.push(p);
  return p;
}

const cli = (...args: string[]) =>
  runBuiltCli(["--config", cfgPath, ...args], { cwd: root, env: env(), timeoutMs: 90_000 });

async function finished(id: string, ex: CliProcess): Promise<TaskRecord> {
  return waitFor(
    async () => {
      const r = (await bus.tasks.get(id))?.record;
      return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state) ? r : undefined;
    },
    { timeoutMs: 60_000, message: `task ${id} to finish; executor output:\n${ex.output()}` },
  );
}

describe("review loop through the CLI", () => {
  it("submit --card … --wait runs two rounds; status and status --rounds show the card, the reports and the fix list", async () => {
    const repo = await makeTestRepo();
    const ex = executor();
    model.script(
      ...loopScript.worker({ "hello.txt": "hello\n" }, "Wrote hello.txt."),
      ...loopScript.reviewer(loopScript.changes("it must say hello world")),
      ...loopScript.worker({ "hello.txt": "hello world\n" }, "Now it says hello world."),
      ...loopScript.reviewer(loopScript.approve("hello world, as asked")),
    );
    writeFileSync(
      join(root, "task.json"),
      JSON.stringify({ goal: "Greet the world", acceptance: ["hello.txt says hello world"] }),
    );
    const t0 = performance.now();
    const sub = await cli(
      "submit",
      "--repo",
      repo.origin,
      "--backend",
      "api",
      "--card",
      "task.json",
      "--constraint",
      "touch only hello.txt",
      "--rounds",
      "3",
      "--reviewer",
      "critic",
      "--wait",
      "--",
      "Greet the world in hello.txt",
    );
    const took = performance.now() - t0;
    expect(sub.code, `${sub.stderr}\n${ex.output()}`).toBe(0);
    const id = /^task +(\S+)$/m.exec(sub.stdout)?.[1] ?? "";
    expect(id).not.toBe("");
    expect(sub.stderr).toMatch(/\[round 1 fix-list\] 1 item\(s\) to fix in round 2/);
    expect(sub.stderr).toMatch(/\[round 2 approved\] approved at [0-9a-f]{10} after 2 round\(s\)/);
    console.log(`two-round loop through the CLI: ${Math.round(took)} ms`);

    const status = await cli("status", id);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("card      goal: Greet the world");
    expect(status.stdout).toMatch(/acceptance:\n {12}- hello\.txt says hello world/);
    expect(status.stdout).toMatch(/constraints:\n {12}- touch only hello\.txt/);
    expect(status.stdout).toContain(
      "loop      review loop, round 2 (approved) of at most 3; worker api, reviewer critic",
    );
    expect(status.stdout).toMatch(/^result {4}approved {2}branch nightshift\//m);
    expect(status.stdout).toContain(
      "landing   ready-for-review: landing is not enabled for this repository",
    );

    const rounds = await cli("status", id, "--rounds");
    expect(rounds.code, rounds.stderr).toBe(0);
    const text = rounds.stdout;
    expect(text).toMatch(new RegExp(`^task {6}${id} {2}succeeded$`, "m"));
    expect(text).toContain("rounds    2 of at most 3");
    const [, one = "", two = ""] = text.split(/\n\n(?=round \d)/);
    expect(one).toMatch(/^round 1 {2}changes_required {2}head [0-9a-f]{10}\n/);
    expect(one).toContain("  worker api, reviewer critic");
    expect(one).toContain("  work report     done: Wrote hello.txt.");
    expect(one).toMatch(
      / {2}review request {2}[0-9a-f]{10}\.\.[0-9a-f]{10}: 1 commit\(s\), 1 file\(s\) changed \(hello\.txt\)/,
    );
    expect(one).toContain(
      "  review report   changes_required: One problem: it must say hello world",
    );
    expect(one).toContain("    blocking  [high] hello.txt:1: it must say hello world");
    expect(one).toContain("    suggests  keep it short");
    expect(one).toContain(
      "  fix list → round 2 (1 item(s)):\n    - [high] hello.txt:1: it must say hello world",
    );
    expect(two).toMatch(/^round 2 {2}approved {2}head [0-9a-f]{10}\n/);
    expect(two).toContain("  work report     done: Now it says hello world.");
    expect(two).toContain("  review report   approve: hello world, as asked");
    expect(two).not.toContain("fix list");

    const json = await cli("status", id, "--rounds", "--json");
    const view = TaskRounds.parse(JSON.parse(json.stdout));
    expect(view.rounds.map((r) => r.round.outcome)).toEqual(["changes_required", "approved"]);
    expect(view.rounds[1]?.artifacts["review-request"]).toMatchObject({
      fixList: [{ file: "hello.txt", reason: "it must say hello world" }],
    });
    expect(await repo.show(`nightshift/${id}`, "hello.txt")).toBe("hello world");
    expect((await cli("status", "--rounds")).code).toBe(2);
    ex.child.kill("SIGTERM");
    expect(await ex.exited).toBe(143);
  }, 120_000);

  it("kill -9 during round 2's review: the next executor resumes in round 2's review and finishes without re-running round 1", async () => {
    const repo = await makeTestRepo();
    model.script(
      ...loopScript.worker({ "hello.txt": "hello\n" }, "Wrote hello.txt."),
      ...loopScript.reviewer(loopScript.changes("it must say hello world")),
      ...loopScript.worker({ "hello.txt": "hello world\n" }, "Now it says hello world."),
      // round 2's reviewer is still thinking when its executor is killed
      reply.text("thinking…", { delayMs: 60_000 }),
    );
    // the model server keeps every request, earlier tests' too
    const mark = model.modelRequests().length;
    const first = executor();
    const sub = await cli(
      "submit",
      "--repo",
      repo.origin,
      "--backend",
      "api",
      "--goal",
      "Greet the world",
      "--accept",
      "hello.txt says hello world",
      "--loop",
      "--",
      "Greet the world in hello.txt",
    );
    expect(sub.code, sub.stderr).toBe(0);
    const id = sub.stdout.trim();
    const inReview = await waitFor(
      async () => {
        const r = (await bus.tasks.get(id))?.record;
        const reviewing = model
          .modelRequests()
          .slice(mark)
          .some((q) => JSON.stringify(q.body).includes("## Review request (round 2)"));
        return r?.rounds?.[1]?.phase === "review" && reviewing ? r : undefined;
      },
      { timeoutMs: 60_000, message: `round 2's review; executor output:\n${first.output()}` },
    );
    const t0 = performance.now();
    first.child.kill("SIGKILL");
    await first.exited;
    const before = model.modelRequests().length;
    model.script(...loopScript.reviewer(loopScript.approve("hello world, as asked")));

    const second = executor();
    const rec = await finished(id, second);
    console.log(`resumed after kill -9 and finished in ${Math.round(performance.now() - t0)} ms`);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.attempts).toBe(2);
    expect(rec.rounds?.map((r) => `${r.n}:${r.outcome}`)).toEqual([
      "1:changes_required",
      "2:approved",
    ]);
    // round 1 and round 2's work are as the first attempt left them
    expect(rec.rounds?.[0]).toEqual(inReview.rounds?.[0]);
    expect(rec.rounds?.[1]?.head).toBe(inReview.rounds?.[1]?.head);
    expect(rec.rounds?.[1]?.startedAt).toBe(inReview.rounds?.[1]?.startedAt);
    // after the kill only the reviewer of round 2 talked to the model
    const after = model
      .modelRequests()
      .slice(before)
      .map((q) => JSON.stringify(q.body));
    expect(after).toHaveLength(2);
    for (const body of after) {
      expect(body).toContain("## Review request (round 2)");
      expect(body).not.toContain("Fix list from the review of round 1");
    }
    const events = await cli("logs", id);
    const resumed = events.stdout.split("\n").filter((l) => l.includes("[round "));
    const second2 = resumed.slice(resumed.findIndex((l) => l.includes("[round 2 resumed]")));
    expect(second2[0]).toContain("[round 2 resumed] continuing round 2 at its review phase");
    expect(second2.join("\n")).not.toMatch(/\[round [12] work\]|\[round 1 /);
    expect(await repo.show(`nightshift/${id}`, "hello.txt")).toBe("hello world");
    second.child.kill("SIGTERM");
    await second.exited;
  }, 150_000);
});
