import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cancelTask, submitTask } from "@nightshift/client";
import { repoKey, Streams, Subjects } from "@nightshift/contracts";
import { announcePresence, startInProcess, type InProcessServices } from "@nightshift/host";
import { connectNats, openBus } from "@nightshift/messaging";
import { Workspaces, type SweepReport } from "@nightshift/workspace";
import { git, makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { executorService } from "./service.ts";

let nats: TestNats;
const running: InProcessServices[] = [];

beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats.dispose();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.forceStop()));
});

interface Options {
  root?: string;
  executor?: Record<string, unknown>;
  workspace?: Record<string, unknown>;
  env?: Record<string, string>;
}

async function executor(o: Options = {}): Promise<InProcessServices & { root: string }> {
  const root = o.root ?? mkdtempSync(join(tmpdir(), "ns-ws-"));
  chmodSync(root, 0o755); // the agents' uids walk this path (no bind mounts with "none")
  const svc = await startInProcess([executorService({ env: process.env })], {
    natsUrl: nats.url,
    env: o.env ?? {},
    config: {
      nats: { heartbeat: "300ms", ackWait: "2s", leaseTtl: "2s" },
      executor: {
        slots: 2,
        workspaces: root,
        busyDelay: "200ms",
        retryDelay: "200ms",
        killGrace: "500ms",
        defaultBackend: "shell",
        ...o.executor,
      },
      workspace: o.workspace ?? {},
      // these tests look into workspaces from outside and rendezvous through /tmp: the
      // sandbox is tested on its own (agents.int.test.ts, libs/sandbox)
      sandbox: { driver: "none" },
      backends: { shell: { type: "command", argv: ["sh", "-c", "{prompt}"] } },
    },
  });
  running.push(svc);
  return Object.assign(svc, { root });
}

async function terminal(svc: InProcessServices, id: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const r = (await svc.bus.tasks.get(id))?.record;
      return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state) ? r : undefined;
    },
    { timeoutMs, message: `task ${id} to finish` },
  );
}

async function logLines(svc: InProcessServices, id: string): Promise<string[]> {
  const c = await svc.bus.js.consumers.get(Streams.events, {
    filter_subjects: [Subjects.eventsOf(id)],
  });
  let left = (await c.info()).num_pending;
  const out: string[] = [];
  if (left === 0) return out;
  for await (const m of await c.fetch({ max_messages: left, expires: 2000 })) {
    const e = m.json<{ type: string; message?: string }>();
    if (e.type === "log" && e.message !== undefined) out.push(e.message);
    if (--left === 0) break;
  }
  return out;
}

const taskDirs = (root: string) => readdirSync(root).filter((n) => !n.startsWith("."));

interface StatusBody {
  components: { executor: { workspaces?: SweepReport } };
}

/** The pid of a process that has exited: an executor that crashed on this host. */
function deadPid(): number {
  return Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
}

describe("executor workspaces", () => {
  it("clones a repository's mirror once and makes later tasks' workspaces from it", async () => {
    const mirrors = mkdtempSync(join(tmpdir(), "ns-mirrors-"));
    const svc = await executor({ workspace: { mirrors } });
    const repo = await makeTestRepo();
    const first = await submitTask(svc.bus, { prompt: "echo 1 > one.txt", repo: repo.origin });
    expect((await terminal(svc, first.task.id)).state).toBe("succeeded");
    const mirror = join(mirrors, `${repoKey(repo.origin)}.git`);
    const inode = statSync(mirror).ino;
    const second = await submitTask(svc.bus, { prompt: "echo 2 > two.txt", repo: repo.origin });
    expect((await terminal(svc, second.task.id)).state).toBe("succeeded");
    const ready = async (id: string) =>
      (await logLines(svc, id)).find((l) => l.startsWith("workspace ready")) ?? "";
    expect(await ready(first.task.id)).toMatch(/mirror cloned in \d+ ms; checked out in \d+ ms/);
    expect(await ready(second.task.id)).toMatch(/mirror fetched in \d+ ms; checked out in \d+ ms/);
    // the same mirror, not a new clone, and finished tasks leave no workspace behind
    expect(statSync(mirror).ino).toBe(inode);
    expect(await git(mirror, "for-each-ref", "--format=%(refname)", "refs/heads")).toContain(
      `refs/heads/nightshift/${first.task.id}`,
    );
    await waitFor(() => taskDirs(svc.root).length === 0, { message: "workspaces removed" });
    expect(await repo.show(`nightshift/${second.task.id}`, "two.txt")).toBe("2");
  });

  it("runs tasks on different repositories side by side", async () => {
    const svc = await executor({ executor: { slots: 2 } });
    const [r1, r2] = await Promise.all([makeTestRepo(), makeTestRepo()]);
    const meet = mkdtempSync(join(tmpdir(), "ns-meet-"));
    chmodSync(meet, 0o777);
    // each agent waits for the other: both finish only if they run at the same time
    const rendezvous = (me: string, other: string) =>
      `touch ${join(meet, me)}; i=0; while [ ! -f ${join(meet, other)} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; test -f ${join(meet, other)} && echo ${me} > ${me}.txt`;
    const [a, b] = await Promise.all([
      submitTask(svc.bus, { prompt: rendezvous("a", "b"), repo: r1.origin }),
      submitTask(svc.bus, { prompt: rendezvous("b", "a"), repo: r2.origin }),
    ]);
    const [ra, rb] = await Promise.all([terminal(svc, a.task.id), terminal(svc, b.task.id)]);
    expect([ra.state, rb.state]).toEqual(["succeeded", "succeeded"]);
    expect(await r1.show(`nightshift/${a.task.id}`, "a.txt")).toBe("a");
    expect(await r2.show(`nightshift/${b.task.id}`, "b.txt")).toBe("b");
    expect(readdirSync(join(svc.root, ".mirrors")).sort()).toEqual(
      [`${repoKey(r1.origin)}.git`, `${repoKey(r2.origin)}.git`].sort(),
    );
  });

  it("continues a retry from the branch the interrupted attempt pushed", async () => {
    const a = await executor();
    const repo = await makeTestRepo();
    const script = [
      "if [ -f first.txt ]; then echo second > second.txt && git add second.txt && git commit -qm second",
      "else echo first > first.txt && git add first.txt && git commit -qm first && echo committed && sleep 60; fi",
    ].join("; ");
    const { task } = await submitTask(a.bus, { prompt: script, repo: repo.origin });
    const work = join(a.root, task.id, "work");
    await waitFor(async () => (await git(work, "log", "--format=%s", "-1")) === "first", {
      message: "the first attempt to commit",
    });
    // the executor shuts down mid-task: it pushes what the agent did and requeues the task
    await a.forceStop();
    expect(await repo.log(`nightshift/${task.id}`)).toEqual(["first", "initial"]);
    // another executor, with its own disk (default mirrors under its root), takes over
    const b = await executor();
    const rec = await terminal(b, task.id);
    expect(rec.state).toBe("succeeded");
    expect(rec.attempts).toBe(2);
    expect(await repo.log(`nightshift/${task.id}`)).toEqual(["second", "first", "initial"]);
    expect(existsSync(join(b.root, ".mirrors", `${repoKey(repo.origin)}.git`))).toBe(true);
    // the interrupted attempt's workspace stayed on the first disk, released for a retry
    expect(taskDirs(a.root)).toEqual([task.id]);
  });

  it("removes a kept workspace when its task ends without another attempt", async () => {
    const root = mkdtempSync(join(tmpdir(), "ns-ws-"));
    const repo = await makeTestRepo();
    const a = await executor({ root, executor: { maxAttempts: 1 } });
    const { task } = await submitTask(a.bus, {
      prompt: "echo wip > wip.txt && echo started && sleep 60",
      repo: repo.origin,
    });
    await waitFor(() => existsSync(join(root, task.id, "work", "wip.txt")));
    await a.forceStop();
    // interrupted: its workspace is kept (released) for the next attempt …
    expect(taskDirs(root)).toEqual([task.id]);
    // … which never comes: the task is cancelled while it waits. No sweep runs meanwhile.
    const b = await executor({
      root,
      executor: { maxAttempts: 1 },
      workspace: { sweepInterval: "1h" },
    });
    await cancelTask(b.bus, task.id, "test");
    const rec = await terminal(b, task.id);
    expect(rec.state).toBe("cancelled");
    await waitFor(() => taskDirs(root).length === 0, { message: "the workspace removed" });
  });

  it("fails an agent that exits 0 without doing anything as a NOOP", async () => {
    const svc = await executor();
    const repo = await makeTestRepo();
    const idle = await submitTask(svc.bus, { prompt: "echo looked around", repo: repo.origin });
    const onlyResult = await submitTask(svc.bus, {
      prompt:
        'mkdir -p .nightshift && echo \'{"status":"done","summary":"nothing needed"}\' > .nightshift/result.json',
      repo: repo.origin,
    });
    for (const id of [idle.task.id, onlyResult.task.id]) {
      const rec = await terminal(svc, id);
      expect(rec.state).toBe("failed");
      expect(rec.reason).toBe("noop");
      expect(rec.detail).toBe("the agent exited 0 without committing or changing anything");
      expect(rec.result).toMatchObject({ outcome: "noop", pushed: false, exitCode: 0 });
    }
    expect(await repo.branches()).toEqual(["main"]);
  });

  it("never lets .nightshift/ or transcripts reach the origin, even when the agent commits them", async () => {
    const svc = await executor();
    const repo = await makeTestRepo();
    const { task } = await submitTask(svc.bus, {
      prompt: [
        "mkdir -p .nightshift .claude/projects/x",
        'echo \'{"status":"done","summary":"fixed"}\' > .nightshift/result.json && echo log > .nightshift/agent.log',
        "echo 'user: my key is ...' > .aider.chat.history.md && echo '{}' > .claude/projects/x/s.jsonl",
        "echo fix > fix.txt && git add -A -f && git commit -qm 'fix, with transcripts'",
      ].join(" && "),
      repo: repo.origin,
    });
    const rec = await terminal(svc, task.id);
    expect(rec.state).toBe("succeeded");
    const branch = `nightshift/${task.id}`;
    const files = (await git(repo.origin, "ls-tree", "-r", "--name-only", branch)).split("\n");
    expect(files.sort()).toEqual(["README.md", "fix.txt"]);
    expect(await repo.log(branch)).toEqual(["fix, with transcripts", "initial"]);
    expect((await logLines(svc, task.id)).some((l) => l.startsWith(`pushed ${branch}`))).toBe(true);
  });

  it("does not push a diff containing the executor's GITHUB_TOKEN", async () => {
    const token = "ghp_" + "Zq8Xw7Vu6Ts5Rq4Po3Nm2Lk1Ji0Hg9Fe8Dc7B";
    const svc = await executor({ env: { GITHUB_TOKEN: token } });
    const repo = await makeTestRepo();
    const { task } = await submitTask(svc.bus, {
      prompt: `printf 'remote = https://x:%s@github.com/o/r\\n' '${token}' > deploy.cfg && echo ok`,
      repo: repo.origin,
    });
    const rec = await terminal(svc, task.id);
    expect(rec.state).toBe("failed");
    expect(rec.reason).toBe("secret-detected");
    expect(rec.detail).toContain("the value of GITHUB_TOKEN in deploy.cfg");
    // the reason names the file and the secret, never its value (the prompt holds it, not the reason)
    expect(JSON.stringify([rec.detail, rec.result])).not.toContain(token.slice(4));
    expect(rec.result).toMatchObject({ outcome: "secret-detected", pushed: false });
    expect(await repo.branches()).toEqual(["main"]);
  });

  it("sweeps finished and stale workspaces and leaves live ones", async () => {
    const root = mkdtempSync(join(tmpdir(), "ns-ws-"));
    const repo = await makeTestRepo();
    const nc = await connectNats({ servers: nats.url, name: "sweeper-test" });
    const bus = await openBus(nc);
    // a task cancelled before any executor ran it: finished
    const { task: done } = await submitTask(bus, { prompt: "true", backend: "shell" });
    expect((await cancelTask(bus, done.id, "test")).effect).toBe("cancelled");
    const owner = (instance: string, host = hostname(), pid = deadPid()) =>
      new Workspaces({ root, mirrors: join(root, ".mirrors"), owner: { instance, pid, host } });
    const r = { url: repo.origin, key: repoKey(repo.origin) };
    await owner("crashed-here").prepare({ taskId: done.id, attempt: 1, repo: r });
    await owner("crashed-here").prepare({ taskId: "stale-here", attempt: 1, repo: r });
    await owner("gone-elsewhere", "other-host").prepare({ taskId: "stale-elsewhere", attempt: 1 });
    await owner("live-elsewhere", "other-host").prepare({ taskId: "live-elsewhere", attempt: 1 });
    const unannounce = announcePresence({
      bus,
      services: ["executor"],
      instance: "live-elsewhere",
      state: () => "running",
    });

    const svc = await executor({ root, workspace: { ttl: "1s", sweepInterval: "200ms" } });
    const { task: busy } = await submitTask(svc.bus, {
      prompt: "echo started && sleep 30",
      repo: repo.origin,
    });
    await waitFor(() => existsSync(join(root, busy.id, "work", "README.md")));
    await waitFor(() => taskDirs(root).length === 2, { message: "the sweeper to remove 3" });
    expect(taskDirs(root).sort()).toEqual([busy.id, "live-elsewhere"].sort());
    // later sweeps keep them: one runs here, the other's executor is alive elsewhere
    const status = async () =>
      ((await (await svc.app.request("/status")).json()) as StatusBody).components.executor
        .workspaces;
    const report = await waitFor(async () => {
      const s = await status();
      return s?.kept === 2 && s.removed.length === 0 ? s : undefined;
    });
    expect(report.unknown).toEqual([]);
    expect(taskDirs(root).sort()).toEqual([busy.id, "live-elsewhere"].sort());
    await cancelTask(svc.bus, busy.id, "test");
    expect((await terminal(svc, busy.id)).state).toBe("cancelled");
    await unannounce();
    await nc.close();
  });

  it("stops a task over its disk quota and pushes nothing", async () => {
    const svc = await executor({ workspace: { quota: "1MiB", quotaInterval: "100ms" } });
    const repo = await makeTestRepo();
    const t0 = Date.now();
    const { task } = await submitTask(svc.bus, {
      prompt: "head -c 3000000 /dev/urandom > big.bin && sleep 30",
      repo: repo.origin,
    });
    const rec = await terminal(svc, task.id);
    // stopped long before the agent's 30 s sleep ended
    expect(Date.now() - t0).toBeLessThan(25_000);
    expect(rec.state).toBe("failed");
    expect(rec.reason).toBe("disk-quota");
    const used =
      /^the workspace used (\d+(?:\.\d)?) MiB, over its 1\.0 MiB quota; nothing was pushed$/.exec(
        rec.detail ?? "",
      );
    // measured while the file was still being written, or after: over the quota either way
    expect(used, rec.detail).not.toBeNull();
    expect(Number(used?.[1])).toBeGreaterThanOrEqual(1);
    expect(await repo.branches()).toEqual(["main"]);
    await waitFor(() => taskDirs(svc.root).length === 0, { message: "the workspace removed" });
  });
});
