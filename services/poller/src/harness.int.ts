import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Streams, Subjects, type Escalation, type TaskRecord } from "@nightshift/contracts";
import { executorService } from "@nightshift/executor";
import { startFakeGitHub, type FakeGitHub } from "@nightshift/fake-github";
import { githubResultSinks, hasMarker } from "@nightshift/github";
import { startInProcess, type InProcessServices, type ServiceDefinition } from "@nightshift/host";
import { startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { pollerService } from "./service.ts";

export const REPO = "acme/web";
export const AGENT = "nightshift-bot";

type Raw = Record<string, unknown>;

function merge(a: Raw, b: Raw): Raw {
  const out: Raw = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v) &&
      typeof cur === "object" &&
      cur !== null
        ? merge(cur as Raw, v as Raw)
        : v;
  }
  return out;
}

/** The executor as `nightshift up` builds it: with the GitHub result sink when configured. */
export function executorWithGitHub(env: Record<string, string | undefined>): ServiceDefinition {
  return {
    name: "executor",
    start: (deps) =>
      executorService({ env, sinks: githubResultSinks(deps.config.github, deps.secrets) }).start(
        deps,
      ),
  };
}

export interface Harness {
  nats: TestNats;
  gh: FakeGitHub;
  env: Record<string, string | undefined>;
  config(over?: Raw): Raw;
  executor(over?: Raw): Promise<InProcessServices>;
  poller(over?: Raw, env?: Record<string, string | undefined>): Promise<InProcessServices>;
  /** Every task record, newest last. */
  records(svc: InProcessServices): Promise<TaskRecord[]>;
  /** Records whose source is issue or pull request `n` of the test repository. */
  tasksFor(svc: InProcessServices, n: number): Promise<TaskRecord[]>;
  finished(svc: InProcessServices, id: string, timeoutMs?: number): Promise<TaskRecord>;
  statusComments(n: number): { id: number; body: string }[];
  escalations(svc: InProcessServices): Promise<Escalation[]>;
  /** Stops every service started so far (after each test, so a failed test leaves none). */
  stopAll(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(opts: { webhookSecret?: string } = {}): Promise<Harness> {
  const nats = await startTestNats();
  const gh = await startFakeGitHub();
  await gh.state.createRepo(REPO, {
    files: { "README.md": "# web\n", "app.txt": "v1\n" },
    collaborators: { [AGENT]: "write", alice: "write", bob: "write" },
  });
  gh.state.addUser("mallory");
  const env: Record<string, string | undefined> = {
    GITHUB_TOKEN: gh.token(AGENT),
    ...(opts.webhookSecret ? { GITHUB_WEBHOOK_SECRET: opts.webhookSecret } : {}),
  };
  const running: InProcessServices[] = [];
  const workspaces = mkdtempSync(join(tmpdir(), "ns-poller-ws-"));
  const config = (over: Raw = {}): Raw =>
    merge(
      {
        nats: { heartbeat: "300ms", ackWait: "2s", leaseTtl: "1500ms" },
        executor: {
          slots: 2,
          workspaces,
          busyDelay: "200ms",
          retryDelay: "200ms",
          killGrace: "500ms",
          defaultBackend: "stdin",
          maxAttempts: 1,
        },
        backends: {
          stdin: { type: "command", argv: ["sh", "-c", "cat > PROMPT.md"], prompt: "stdin" },
          fail: {
            type: "command",
            argv: ["sh", "-c", "echo 'boom at /home/x/secret.ts' >&2; exit 3"],
          },
        },
        github: { apiUrl: gh.url, writeSpacing: 0, contentSpacing: 0, maxRateLimitWait: "2s" },
        poller: {
          interval: "150ms",
          webhookInterval: "10m",
          cooldown: "300ms",
          maxAttempts: 2,
          github: { repos: [{ repo: REPO }] },
        },
      },
      over,
    );
  const start = async (
    defs: ServiceDefinition[],
    over: Raw,
    e = env,
  ): Promise<InProcessServices> => {
    const svc = await startInProcess(defs, { natsUrl: nats.url, config: config(over), env: e });
    running.push(svc);
    return svc;
  };
  const records = async (svc: InProcessServices): Promise<TaskRecord[]> => {
    const out: TaskRecord[] = [];
    for (const id of await svc.bus.tasks.ids()) {
      const r = await svc.bus.tasks.get(id);
      if (r) out.push(r.record);
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  };
  return {
    nats,
    gh,
    env,
    config,
    executor: (over = {}) => start([executorWithGitHub(process.env)], over),
    poller: (over = {}, e = env) => start([pollerService()], over, e),
    records,
    async tasksFor(svc, n) {
      return (await records(svc)).filter(
        (r) =>
          r.task.source.attributes["repo"] === REPO &&
          r.task.source.attributes["number"] === String(n),
      );
    },
    finished: (svc, id, timeoutMs = 20_000) =>
      waitFor(
        async () => {
          const r = (await svc.bus.tasks.get(id))?.record;
          return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state)
            ? r
            : undefined;
        },
        { timeoutMs, message: `task ${id} to finish` },
      ),
    statusComments(n) {
      return [...gh.state.repo(REPO).comments.values()]
        .filter((c) => c.issue === n && hasMarker(c.body, { kind: "status" }))
        .map((c) => ({ id: c.id, body: c.body }));
    },
    async escalations(svc) {
      const c = await svc.bus.js.consumers.get(Streams.events, {
        filter_subjects: [Subjects.escalationsAll],
      });
      const info = await c.info();
      const out: Escalation[] = [];
      let left = info.num_pending;
      if (left === 0) return out;
      for await (const m of await c.fetch({ max_messages: left, expires: 2000 })) {
        out.push(m.json<Escalation>());
        if (--left === 0) break;
      }
      return out;
    },
    async stopAll() {
      await Promise.all(running.splice(0).map((s) => s.forceStop()));
    },
    async close() {
      await Promise.all(running.splice(0).map((s) => s.forceStop()));
      await gh.stop();
      await nats.dispose();
    },
  };
}
