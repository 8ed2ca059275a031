import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Streams, Task } from "@nightshift/contracts";
import { connectNats, openBus, type Bus } from "@nightshift/messaging";
import { scheduleClock, scheduleTaskId } from "@nightshift/scheduler";
import { startTestNats, type TestNats } from "@nightshift/testkit";
import { runCli } from "../run.ts";

let nats: TestNats;
let dir: string;
let bus: Bus;
let closeBus: () => Promise<void>;

beforeAll(async () => {
  nats = await startTestNats();
  dir = mkdtempSync(join(tmpdir(), "ns-cli-trigger-"));
  writeFileSync(
    join(dir, "nightshift.yml"),
    [
      "nats:",
      `  url: ${nats.url}`,
      "schedules:",
      "  nightly:",
      '    cron: "0 2 * * *"',
      "    timezone: Europe/Berlin",
      "    task:",
      "      prompt: tidy up",
      "  gated:",
      '    cron: "0 * * * *"',
      "    gate:",
      "      type: command",
      "      command: echo nothing queued; exit 1",
      "    task:",
      "      prompt: work the queue",
      "  off:",
      '    cron: "0 * * * *"',
      "    enabled: false",
      "    task:",
      "      prompt: never",
      "",
    ].join("\n"),
  );
});
afterAll(async () => {
  await closeBus();
  await nats.dispose();
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: { PATH: process.env["PATH"] },
    cwd: dir,
  });
  return { code, out, err };
}

async function taskMessages(): Promise<Task[]> {
  const info = await bus.jsm.streams.info(Streams.tasks);
  const out: Task[] = [];
  for (
    let seq = info.state.first_seq;
    seq <= info.state.last_seq && info.state.messages > 0;
    seq++
  ) {
    const m = await bus.jsm.streams.getMessage(Streams.tasks, { seq }).catch(() => null);
    if (m) out.push(Task.parse(m.json()));
  }
  return out;
}

describe("nightshift trigger", () => {
  it("publishes one task for a slot, however often it is triggered", async () => {
    const first = await cli("trigger", "nightly", "--slot", "2025-01-10T01:00:00Z");
    // The bus is opened after the first command provisioned the streams.
    const nc = await connectNats({ servers: nats.url, name: "test" });
    closeBus = () => nc.close();
    bus = await openBus(nc);
    const id = scheduleTaskId("nightly", new Date("2025-01-10T01:00:00Z"));
    expect(first).toEqual({ code: 0, out: `${id}\n`, err: "" });
    const second = await cli("trigger", "nightly", "--slot", "2025-01-10T01:00:00.000Z");
    expect(second).toEqual({ code: 0, out: `${id} (already published)\n`, err: "" });
    const tasks = await taskMessages();
    expect(tasks.map((t) => t.id)).toEqual([id]);
    expect(tasks[0]!.source).toMatchObject({
      kind: "schedule",
      ref: "sched:nightly:2025-01-10T01:00:00.000Z",
    });
    expect((await bus.tasks.get(id))?.record.state).toBe("queued");
  });

  it("fires the latest slot by default", async () => {
    const r = await cli("trigger", "nightly", "--json");
    expect(r.code).toBe(0);
    const slot = scheduleClock("0 2 * * *", "Europe/Berlin").latestAtOrBefore(new Date())!;
    expect(JSON.parse(r.out)).toMatchObject({
      schedule: "nightly",
      outcome: "published",
      slot: slot.toISOString(),
      taskId: scheduleTaskId("nightly", slot),
    });
  });

  it("exits non-zero with the reason when nothing is published", async () => {
    const before = (await taskMessages()).length;
    const gated = await cli("trigger", "gated");
    expect([gated.code, gated.out]).toEqual([3, ""]);
    expect(gated.err).toMatch(/^gated \S+ not published: gate: exit code 1: nothing queued\n$/);
    const off = await cli("trigger", "off");
    expect(off.code).toBe(3);
    expect(off.err).toContain("not published: disabled");
    const wrongSlot = await cli("trigger", "nightly", "--slot", "2025-01-10T01:30:00Z");
    expect(wrongSlot.code).toBe(2);
    expect(wrongSlot.err).toContain("is not a fire time of nightly");
    expect(wrongSlot.err).toContain(
      "nearest: 2025-01-10T01:00:00.000Z and 2025-01-11T01:00:00.000Z",
    );
    expect((await cli("trigger", "nightly", "--slot", "yesterday")).code).toBe(2);
    const future = await cli("trigger", "nightly", "--slot", "2099-01-01T01:00:00Z");
    expect(future.code).toBe(2);
    expect(future.err).toContain("is in the future");
    const ghost = await cli("trigger", "ghost");
    expect(ghost.code).toBe(2);
    expect(ghost.err).toContain(
      'no schedule "ghost" in the config (configured: nightly, gated, off)',
    );
    expect((await taskMessages()).length).toBe(before);
  });

  it("pause and resume, for one schedule and for all, gate trigger", async () => {
    expect(await cli("pause", "--schedule", "nightly")).toMatchObject({
      code: 0,
      out: "schedule nightly paused\n",
    });
    const paused = await cli("trigger", "nightly", "--slot", "2025-01-11T01:00:00Z");
    expect(paused.code).toBe(3);
    expect(paused.err).toMatch(/not published: paused: schedule nightly is paused \(by cli:/);
    expect(await cli("resume", "--schedule", "nightly")).toMatchObject({
      code: 0,
      out: "schedule nightly resumed\n",
    });
    expect((await cli("trigger", "nightly", "--slot", "2025-01-11T01:00:00Z")).code).toBe(0);

    expect(await cli("pause")).toMatchObject({ code: 0, out: "scheduling paused\n" });
    const all = await cli("trigger", "nightly", "--slot", "2025-01-12T01:00:00Z");
    expect(all.err).toMatch(/paused: scheduling is paused/);
    expect(await cli("resume")).toMatchObject({ code: 0, out: "scheduling resumed\n" });
    expect(await cli("resume")).toMatchObject({ code: 0, out: "scheduling was not paused\n" });
    expect((await cli("trigger", "nightly", "--slot", "2025-01-12T01:00:00Z")).code).toBe(0);
  });

  it("shows schedules with next fire times and counts in nightshift status", async () => {
    const r = await cli("status");
    expect(r.code).toBe(0);
    const line = r.out.split("\n").find((l) => l.trim().startsWith("nightly"));
    expect(line).toMatch(/next \S+ \(in \d/);
    expect(line).toMatch(/fired 4 {2}skipped 2 \(paused 2\)/);
    const gated = r.out.split("\n").find((l) => l.trim().startsWith("gated"));
    expect(gated).toMatch(/fired 0 {2}skipped 1 \(gate 1\)/);
    const json = JSON.parse((await cli("status", "--json")).out) as {
      scheduling: { schedules: { name: string; next: string[]; skips: Record<string, number> }[] };
    };
    const off = json.scheduling.schedules.find((s) => s.name === "off");
    expect(off?.skips).toEqual({ disabled: 1 });
    const nightly = json.scheduling.schedules.find((s) => s.name === "nightly")!;
    expect(nightly.next).toHaveLength(3);
    expect(Date.parse(nightly.next[0]!)).toBeGreaterThan(Date.now());
  });
});
