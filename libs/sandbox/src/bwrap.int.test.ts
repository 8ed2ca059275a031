import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { processesMatching } from "@nightshift/testkit";
import { createSandboxDriver, type SandboxSettings } from "./create-driver.ts";
import { terminate } from "./kill-tree.ts";
import type { SandboxDriver, TaskSandbox } from "./types.ts";

const PATH = process.env["PATH"] ?? "/usr/bin:/bin";
const drivers: SandboxDriver[] = [];
const boxes: TaskSandbox[] = [];
const planted = join(homedir(), `.nightshift-sandbox-test-${process.pid}`);

afterEach(async () => {
  await Promise.all(boxes.splice(0).map((b) => b.close()));
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});
afterAll(() => rmSync(planted, { force: true }));

function settings(extra: Partial<SandboxSettings> = {}): SandboxSettings {
  return {
    driver: "bwrap",
    user: { uid: 10_000, gid: 10_000 },
    limits: {},
    readOnly: [],
    ...extra,
  };
}

async function open(extra: Partial<SandboxSettings> = {}, slots = 2) {
  const driver = await createSandboxDriver(settings(extra), { slots, pathEnv: PATH });
  drivers.push(driver);
  const workspace = mkdtempSync(join(tmpdir(), "ns-sbx-ws-"));
  const home = mkdtempSync(join(tmpdir(), "ns-sbx-home-"));
  const box = await driver.open({ taskId: "t1", workspace, home });
  boxes.push(box);
  return { driver, box, workspace, home };
}

async function run(
  box: TaskSandbox,
  cwd: string,
  script: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const proc = box.spawn({ argv: ["sh", "-c", script], cwd, env: { PATH, ...box.env, ...env } });
  let out = "";
  let err = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const { code } = await proc.exited;
  return { code, out, err };
}

describe("bwrap sandbox", () => {
  it("runs the agent as its own unprivileged uid with only its workspace and home writable", async () => {
    writeFileSync(planted, "executor secret\n");
    const { box, workspace, home } = await open();
    const open777 = mkdtempSync(join(tmpdir(), "ns-sbx-open-"));
    chmodSync(open777, 0o777);
    expect(box.uid).toBe(10_000);
    const r = await run(
      box,
      workspace,
      [
        "id -u",
        "echo work > file.txt",
        `echo cfg > ${home}/.agentrc`,
        `cat ${planted} 2>/dev/null && echo READ-PLANTED`,
        "ls /root 2>/dev/null && echo SAW-ROOT-HOME",
        "echo x > /etc/owned 2>/dev/null && echo WROTE-ETC",
        "echo x > /usr/owned 2>/dev/null && echo WROTE-USR",
        `mkdir -p ${open777} && echo x > ${open777}/escape`,
        "echo private > /tmp/private-file && cat /tmp/private-file",
        "test -w /var/tmp && test -x /var && echo var-ok",
        "getent passwd $(id -u) | cut -d: -f1",
      ].join("; "),
    );
    expect(r.out.trim().split("\n")).toEqual(["10000", "private", "var-ok", "agent"]);
    expect(readFileSync(join(workspace, "file.txt"), "utf8")).toBe("work\n");
    expect(statSync(join(workspace, "file.txt")).uid).toBe(10_000);
    expect(readFileSync(join(home, ".agentrc"), "utf8")).toBe("cfg\n");
    expect(existsSync(join(open777, "escape"))).toBe(false);
    expect(existsSync("/tmp/private-file")).toBe(false);
    await box.close();
    boxes.splice(0);
    expect(statSync(join(workspace, "file.txt")).uid).toBe(process.getuid!());
    expect(statSync(home).uid).toBe(process.getuid!());
  });

  it("refuses symlinked escapes: a link to the executor's home leads nowhere", async () => {
    const { box, workspace } = await open();
    const r = await run(
      box,
      workspace,
      `ln -s ${homedir()} h && ls h/ 2>&1; cat h/${planted.split("/").pop()} 2>&1`,
    );
    expect(r.out).not.toContain("executor secret");
    expect(r.out).toMatch(/No such file or directory/);
  });

  it("gives concurrent tasks different uids and takes them back", async () => {
    const driver = await createSandboxDriver(settings(), { slots: 2, pathEnv: PATH });
    drivers.push(driver);
    const dirs = () => ({
      taskId: "t",
      workspace: mkdtempSync(join(tmpdir(), "ns-sbx-ws-")),
      home: mkdtempSync(join(tmpdir(), "ns-sbx-home-")),
    });
    const a = await driver.open(dirs());
    const b = await driver.open(dirs());
    expect([a.uid, b.uid]).toEqual([10_000, 10_001]);
    await expect(driver.open(dirs())).rejects.toThrow(/every agent uid is in use/);
    await a.close();
    const c = await driver.open(dirs());
    expect(c.uid).toBe(10_000);
    await Promise.all([b.close(), c.close()]);
  });

  it("leaves nothing behind: a detached grandchild dies with the sandbox", async () => {
    const { box, workspace } = await open();
    const marker = `ns-bwrap-orphan-${Date.now()}`;
    const r = await run(
      box,
      workspace,
      `setsid sh -c 'sleep 300 # ${marker}' </dev/null >/dev/null 2>&1 & nohup sh -c 'sleep 301 # ${marker}' >/dev/null 2>&1 & echo started`,
    );
    expect(r.out.trim()).toBe("started");
    expect(processesMatching(marker)).toEqual([]);
  });

  it("kills the whole tree on terminate, including processes that left the group", async () => {
    const { box, workspace } = await open();
    const marker = `ns-bwrap-term-${Date.now()}`;
    const proc = box.spawn({
      argv: ["sh", "-c", `setsid sh -c 'sleep 300 # ${marker}' & echo up; sleep 300`],
      cwd: workspace,
      env: { PATH },
    });
    await new Promise<void>((r) => proc.stdout.once("data", () => r()));
    expect(processesMatching(marker).length).toBeGreaterThanOrEqual(1);
    await terminate(proc, 500);
    expect(processesMatching(marker)).toEqual([]);
  });

  it("gives the agent its SIGTERM and grace before the sandbox goes", async () => {
    const { box, workspace } = await open();
    const proc = box.spawn({
      argv: [
        "sh",
        "-c",
        "trap 'echo got-term > term.txt; exit 0' TERM; echo up; while :; do sleep 0.1; done",
      ],
      cwd: workspace,
      env: { PATH },
    });
    await new Promise<void>((r) => proc.stdout.once("data", () => r()));
    await terminate(proc, 5_000);
    expect(readFileSync(join(workspace, "term.txt"), "utf8")).toBe("got-term\n");
    expect((await proc.exited).code).toBe(0);
  });

  it("enforces limits on file size, processes and memory", async () => {
    const { box, workspace } = await open({
      limits: { fileSize: 1024 * 1024, processes: 32, memory: 256 * 1024 * 1024 },
    });
    const big = await run(box, workspace, "head -c 2000000 /dev/zero > big.bin; echo rc=$?");
    expect(statSync(join(workspace, "big.bin")).size).toBeLessThanOrEqual(1024 * 1024);
    expect(big.out).toMatch(/rc=(153|1)\b/);
    const fork = await run(
      box,
      workspace,
      "n=0; for i in $(seq 64); do (sleep 2) 2>/dev/null & n=$((n+1)); done; wait; echo forked",
    );
    expect(fork.err).toMatch(/fork|Resource temporarily unavailable|Cannot/i);
    const mem = await run(
      box,
      workspace,
      `node -e 'const a=[];for(let i=0;i<20;i++)a.push(Buffer.alloc(50e6,1));console.log("allocated")'`,
    );
    expect(mem.out).not.toContain("allocated");
    expect(mem.code).not.toBe(0);
    const ok = await run(box, workspace, "head -c 1000 /dev/zero > small.bin && echo fine");
    expect(ok.out.trim()).toBe("fine");
  });
});
