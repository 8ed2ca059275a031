import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiService } from "@nightshift/api";
import { TaskRecord } from "@nightshift/contracts";
import { executorService } from "@nightshift/executor";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import { startHttpServer, type HttpServer } from "@nightshift/runtime";
import { makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { runCli } from "./run.ts";

const TOKEN = "cli-test-token-0123456789";
let nats: TestNats;
let svc: InProcessServices;
let http: HttpServer;
let viaNats: Record<string, string>;
let viaApi: Record<string, string>;
const cwd = mkdtempSync(join(tmpdir(), "ns-cli-"));

beforeAll(async () => {
  nats = await startTestNats();
  svc = await startInProcess([executorService({ env: process.env }), apiService()], {
    natsUrl: nats.url,
    env: { NIGHTSHIFT_API_TOKENS: `cli:${TOKEN}` },
    config: {
      nats: { heartbeat: "300ms", ackWait: "2s", leaseTtl: "2s" },
      executor: { slots: 2, workspaces: mkdtempSync(join(tmpdir(), "ns-ws-")), killGrace: "500ms" },
      backends: { shell: { type: "command", argv: ["sh", "-c", "{prompt}"] } },
    },
  });
  http = await startHttpServer(svc.app, "127.0.0.1", 0);
  viaNats = { NATS_URL: nats.url };
  viaApi = { NIGHTSHIFT_API_URL: `http://127.0.0.1:${http.port}`, NIGHTSHIFT_API_TOKEN: TOKEN };
});

afterAll(async () => {
  await http?.close();
  await svc?.forceStop();
  await nats?.dispose();
});

async function cli(argv: string[], env: Record<string, string>) {
  let out = "";
  let err = "";
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env,
    cwd,
  });
  return { code, out, err };
}

async function record(id: string): Promise<TaskRecord> {
  return TaskRecord.parse((await svc.bus.tasks.get(id))?.record);
}

describe("the CLI over NATS and over the HTTP API", () => {
  it("submits through the API, follows the output live, and prints the same either way", async () => {
    const repo = await makeTestRepo();
    const script = "for i in 1 2 3; do echo line $i; echo $i >> out.txt; sleep 0.3; done";
    const sub = await cli(
      ["submit", "--json", "--backend", "shell", "--repo", repo.origin, "--", script],
      viaApi,
    );
    expect(sub.code).toBe(0);
    const { id, created } = JSON.parse(sub.out) as { id: string; created: boolean };
    expect(created).toBe(true);

    const follow = await cli(["logs", id, "--follow"], viaApi);
    expect(follow.code).toBe(0);
    expect(follow.out.split("\n").filter((l) => l.startsWith("line "))).toEqual([
      "line 1",
      "line 2",
      "line 3",
    ]);
    expect(follow.out).toMatch(/\[succeeded\]/);

    for (const args of [
      ["logs", id],
      ["logs", id, "--json"],
      ["status", id, "--json"],
      ["status", id],
      ["dlq", "list", "--json"],
    ]) {
      const a = await cli(args, viaNats);
      const b = await cli(args, viaApi);
      expect(b, args.join(" ")).toEqual(a);
      expect(a.code).toBe(0);
    }
    const rec = await record(id);
    expect(rec.state).toBe("succeeded");
    expect(rec.task.source).toMatchObject({ kind: "api", author: "cli" });
    expect(await repo.branches()).toContain(`nightshift/${id}`);
  });

  it("waits for a task submitted through the API and exits by its outcome", async () => {
    const ok = await cli(["submit", "--wait", "--backend", "shell", "--", "echo fine"], viaApi);
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/fine/);
    expect(ok.out).toMatch(/state\s+succeeded/);
    const bad = await cli(["submit", "--wait", "--backend", "shell", "--", "exit 3"], viaApi);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/state\s+failed \(exit-code\)/);
  });

  it("approves, rejects, pauses and cancels through either transport", async () => {
    const sub = await cli(
      ["submit", "--json", "--backend", "shell", "--mode", "supervised", "--", "sleep 30"],
      viaApi,
    );
    const { id } = JSON.parse(sub.out) as { id: string };
    await waitFor(async () => (await record(id)).state === "running", { message: "task running" });

    expect(await cli(["approve", id, "-m", "go on"], viaApi)).toMatchObject({
      code: 0,
      out: `${id} approved by api:cli\n`,
    });
    const rejected = await cli(["reject", id], viaNats);
    expect(rejected.code).toBe(0);
    expect(rejected.out).toMatch(new RegExp(`^${id} rejected by cli:`));

    expect((await cli(["pause"], viaApi)).out).toBe("scheduling paused\n");
    const shown = await cli(["pause", "--show"], viaNats);
    expect(shown.out).toMatch(/^scheduling paused \(by api:cli at /);
    expect((await cli(["pause", "--show"], viaApi)).out).toEqual(shown.out);
    const one = await cli(["pause", "--schedule", "nightly"], viaNats);
    expect(one.out).toBe("schedule nightly paused\n");
    expect(one.err).toBe('warning: schedule "nightly" is not in this machine\'s config\n');
    expect((await cli(["pause", "--show"], viaApi)).out).toMatch(
      /\nschedule nightly paused \(by cli:\w+ at /,
    );
    expect((await cli(["resume"], viaApi)).out).toBe("scheduling resumed\n");
    expect((await cli(["resume"], viaNats)).out).toBe("scheduling was not paused\n");
    expect((await cli(["resume", "--schedule", "nightly"], viaApi)).out).toBe(
      "schedule nightly resumed\n",
    );
    expect((await cli(["pause", "--show"], viaNats)).out).toBe("scheduling not paused\n");

    const cancelled = await cli(["cancel", id, "-m", "enough"], viaApi);
    expect(cancelled).toMatchObject({
      code: 0,
      out: `${id} is running; its executor has been told to stop it\n`,
    });
    const final = await waitFor(
      async () => {
        const r = await record(id);
        return r.state === "cancelled" ? r : undefined;
      },
      { timeoutMs: 15_000, message: "task cancelled" },
    );
    expect(final.detail).toBe("enough");
    expect(await cli(["cancel", id], viaApi)).toMatchObject({
      code: 1,
      out: `${id} had already finished (cancelled)\n`,
    });
  });

  it("reports errors the same way over both transports", async () => {
    for (const args of [
      ["status", "no-such-task"],
      ["logs", "no-such-task"],
      ["submit", "--id", "Bad.Id", "--", "hi"],
      ["approve", "no-such-task"],
      ["pause", "--schedule", "a.b"],
      ["dlq", "redrive", "no-such-task"],
    ]) {
      const a = await cli(args, viaNats);
      const b = await cli(args, viaApi);
      expect(b, args.join(" ")).toEqual(a);
      expect(a.code).toBe(1);
    }
    const denied = await cli(["status"], {
      ...viaApi,
      NIGHTSHIFT_API_TOKEN: "wrong-token-0123456789",
    });
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/not one of NIGHTSHIFT_API_TOKENS \(HTTP 401 UNAUTHORIZED\)/);
  });
});
