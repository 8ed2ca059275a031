import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TaskRecord } from "@nightshift/contracts";
import { findNatsServer } from "@nightshift/natsd";
import { makeTestRepo, waitFor } from "@nightshift/testkit";
import { runBuiltCli, startBuiltCli, type CliProcess } from "./cli-process.int.ts";

const started: CliProcess[] = [];
afterAll(() => {
  for (const p of started) p.child.kill("SIGKILL");
});

describe("nightshift up (npm start)", () => {
  it("brings the stack up, runs a submitted task end to end, and shuts down cleanly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-up-"));
    writeFileSync(
      join(dir, "nightshift.yml"),
      [
        "http:",
        "  port: 0",
        "executor:",
        "  slots: 2",
        "backends:",
        "  shell:",
        "    type: command",
        '    argv: ["sh", "-c", "{prompt}"]',
        "",
      ].join("\n"),
    );
    const bin = await findNatsServer({ env: process.env });
    const env = { NATS_SERVER_BIN: bin.path, NATS_URL: undefined, LOG_LEVEL: "info" };
    const t0 = Date.now();
    const up = startBuiltCli(["up"], { cwd: dir, env });
    started.push(up);
    const state = await waitFor(
      () => {
        const p = join(dir, ".nightshift", "up.json");
        return existsSync(p)
          ? (JSON.parse(readFileSync(p, "utf8")) as { http: string; natsUrl: string })
          : undefined;
      },
      { timeoutMs: 30_000, message: `up.json; output:\n${up.output()}` },
    );
    await waitFor(async () => (await fetch(`${state.http}/readyz`)).status === 200, {
      timeoutMs: 30_000,
      message: "readyz 200",
    });
    const readyMs = Date.now() - t0;
    expect(readyMs).toBeLessThan(30_000);

    const repo = await makeTestRepo();
    const submit = await runBuiltCli(
      [
        "submit",
        "--wait",
        "--repo",
        repo.origin,
        "--backend",
        "shell",
        "--",
        "printf 'made by the agent\\n' > CHANGE.md && echo line-one && echo line-two",
      ],
      { cwd: dir, env },
    );
    expect(submit.code, submit.stderr).toBe(0);
    const id = /task\s+(\S+)/.exec(submit.stdout)?.[1];
    expect(id).toBeDefined();
    expect(await repo.show(`nightshift/${id}`, "CHANGE.md")).toBe("made by the agent");

    const status = await runBuiltCli(["status", id!, "--json"], { cwd: dir, env });
    expect(status.code).toBe(0);
    const record = TaskRecord.parse(JSON.parse(status.stdout));
    expect(record.state).toBe("succeeded");
    expect(record.attempts).toBe(1);
    expect(record.startedAt).toBeDefined();
    expect(record.finishedAt).toBeDefined();
    expect(record.result).toMatchObject({
      outcome: "succeeded",
      pushed: true,
      branch: `nightshift/${id}`,
    });

    const logs = await runBuiltCli(["logs", id!], { cwd: dir, env });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain("line-one\nline-two\n");
    expect(logs.stdout).toMatch(/\[succeeded\]/);

    const sys = await runBuiltCli(["status"], { cwd: dir, env });
    expect(sys.stdout).toMatch(/executor\s+running/);

    up.child.kill("SIGTERM");
    expect(await up.exited).toBe(143);
    expect(existsSync(join(dir, ".nightshift", "up.json"))).toBe(false);
    console.info(`nightshift up: /readyz 200 after ${readyMs} ms`);
  });
});
