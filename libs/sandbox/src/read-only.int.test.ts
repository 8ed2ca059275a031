import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSandboxDriver } from "./create-driver.ts";
import type { SandboxDriver, TaskSandbox } from "./types.ts";

const PATH = process.env["PATH"] ?? "/usr/bin:/bin";
const drivers: SandboxDriver[] = [];
const boxes: TaskSandbox[] = [];

afterEach(async () => {
  await Promise.all(boxes.splice(0).map((b) => b.close()));
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

/** A workspace the way a worker leaves it: its files, one private, and a planted report. */
function workspace(): { root: string; ws: string; home: string } {
  const root = mkdtempSync(join(tmpdir(), "ns-ro-"));
  chmodSync(root, 0o755);
  const ws = join(root, "work");
  mkdirSync(join(ws, ".nightshift", "review"), { recursive: true });
  writeFileSync(join(ws, "app.txt"), "original\n");
  writeFileSync(join(ws, "private.txt"), "worker's\n", { mode: 0o600 });
  writeFileSync(join(ws, ".nightshift", "review", "report.json"), '{"decision":"approve"}');
  const home = mkdtempSync(join(tmpdir(), "ns-ro-home-"));
  return { root, ws, home };
}

async function open(driver: "bwrap" | "none", ws: string, home: string, root?: boolean) {
  const d = await createSandboxDriver(
    { driver, user: { uid: 10_300, gid: 10_300 }, limits: {}, readOnly: [] },
    { slots: 1, pathEnv: PATH, ...(root !== undefined ? { root } : {}) },
  );
  drivers.push(d);
  const box = await d.open({
    taskId: "t1",
    workspace: ws,
    home,
    readOnly: { output: ".nightshift/review" },
  });
  boxes.push(box);
  return box;
}

async function run(box: TaskSandbox, script: string): Promise<string> {
  const proc = box.spawn({
    // one stream: the order of what it says is the order it happened in
    argv: ["sh", "-c", `exec 2>&1; ${script}`],
    cwd: box.workspace,
    env: { PATH, ...box.env },
  });
  let out = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (out += d.toString()));
  await proc.exited;
  return out;
}

const ATTEMPT = [
  "cat app.txt private.txt",
  "ls .nightshift/review",
  "echo hacked > app.txt 2>/dev/null && echo WROTE-APP",
  "echo new > new.txt 2>/dev/null && echo WROTE-NEW",
  "rm -f private.txt 2>/dev/null; test -e private.txt || echo REMOVED-PRIVATE",
  "echo '{}' > .nightshift/review/report.json && echo REPORT-WRITTEN",
].join("; ");

describe("read-only workspaces (a reviewer's view)", () => {
  it("bwrap: binds the workspace read-only; only the emptied output folder is writable", async () => {
    const { ws, home } = workspace();
    const box = await open("bwrap", ws, home);
    expect(box.workspace).toBe(ws);
    expect(box.output).toBe(join(ws, ".nightshift", "review"));
    const out = await run(box, ATTEMPT);
    expect(out.trim().split("\n")).toEqual([
      "original",
      "worker's",
      "sh: 1: cannot create app.txt: Read-only file system",
      "sh: 1: cannot create new.txt: Read-only file system",
      "REPORT-WRITTEN",
    ]);
    expect(readFileSync(join(ws, "app.txt"), "utf8")).toBe("original\n");
    expect(existsSync(join(ws, "new.txt"))).toBe(false);
    expect(existsSync(join(ws, "private.txt"))).toBe(true);
    // the worker's planted report was removed before the agent started
    expect(readFileSync(join(ws, ".nightshift", "review", "report.json"), "utf8")).toBe("{}\n");
    expect(statSync(join(ws, "app.txt")).uid).toBe(process.getuid!());
  });

  it("bwrap: a planted link in place of the output folder is replaced, not followed", async () => {
    const { ws, home } = workspace();
    const outside = mkdtempSync(join(tmpdir(), "ns-ro-outside-"));
    const nightshift = join(ws, ".nightshift");
    // the worker made .nightshift a link to a folder outside the workspace
    rmSync(nightshift, { recursive: true });
    symlinkSync(outside, nightshift);
    const box = await open("bwrap", ws, home);
    await run(box, "echo r > .nightshift/review/report.json");
    expect(readdirSync(outside)).toEqual([]);
    expect(statSync(nightshift).isDirectory()).toBe(true);
    expect(readFileSync(join(ws, ".nightshift", "review", "report.json"), "utf8")).toBe("r\n");
  });

  for (const root of [true, false]) {
    it(`none (${root ? "a uid per task" : "the executor's own uid"}): works on a copy, removed on close`, async () => {
      const { ws, home } = workspace();
      const box = await open("none", ws, home, root);
      expect(box.workspace).not.toBe(ws);
      expect(box.output).toBe(join(box.workspace, ".nightshift", "review"));
      const out = await run(box, ATTEMPT);
      expect(out).toContain("original\nworker's\n");
      expect(out).toContain("REPORT-WRITTEN");
      if (root) expect(out).not.toMatch(/WROTE-|REMOVED-/);
      expect(readFileSync(join(box.output!, "report.json"), "utf8")).toBe("{}\n");
      // the real workspace is untouched whatever happened to the copy
      expect(readFileSync(join(ws, "app.txt"), "utf8")).toBe("original\n");
      expect(existsSync(join(ws, "new.txt"))).toBe(false);
      expect(existsSync(join(ws, "private.txt"))).toBe(true);
      expect(readFileSync(join(ws, ".nightshift", "review", "report.json"), "utf8")).toBe(
        '{"decision":"approve"}',
      );
      const copy = box.workspace;
      await box.close();
      boxes.splice(0);
      expect(existsSync(copy)).toBe(false);
    });
  }
});
