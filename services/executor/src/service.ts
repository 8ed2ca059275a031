import { BackendRegistry, DEFAULT_PRICES } from "@nightshift/agents";
import { Consumers, DlqHeaders, NO_REPO_KEY, Streams, Subjects } from "@nightshift/contracts";
import { runConsumer, type JsMsg } from "@nightshift/messaging";
import type { ServiceDefinition } from "@nightshift/host";
import { createSandboxDriver, startLauncher, type SpawnSpec } from "@nightshift/sandbox";
import { coerceError } from "@nightshift/errors";
import { agentBaseEnv } from "./agent-env.ts";
import { keepSpareHomes } from "./agent-sandbox.ts";
import { startControlWatch } from "./control-watch.ts";
import { TaskChores } from "./task-chores.ts";
import type { ExecutorContext, RunningTask } from "./context.ts";
import { createTaskHandler } from "./execute-task.handler.ts";
import { executorMetrics } from "./metrics.ts";
import type { ResultSink } from "./result-sink.ts";
import { knownSecrets, startWorkspaces } from "./workspaces.ts";

/** `tasks.run.<repoKey>` → `dlq.tasks.<repoKey>`. */
export function taskDlqSubject(msg: JsMsg): string {
  const key = msg.subject.split(".").slice(2).join("_") || NO_REPO_KEY;
  return Subjects.dlqTasks(key);
}

function taskIdOf(msg: JsMsg): string | undefined {
  try {
    const id = msg.json<{ id?: unknown }>().id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

export interface ExecutorOptions {
  /**
   * The executor's environment: agents get only its allowlisted variables; backends read
   * their API key and base URL from it (ANTHROPIC_*, OPENAI_*, CLAUDE_CODE_OAUTH_TOKEN).
   */
  env: Readonly<Record<string, string | undefined>>;
  /** Result deliverers (GitHub pull requests …), run before a task is finalised. */
  sinks?: readonly ResultSink[];
}

/** The executor: pulls tasks, one per free slot, and runs them. */
export function executorService(opts: ExecutorOptions): ServiceDefinition {
  return {
    name: "executor",
    async start(deps) {
      const { config, bus, log } = deps;
      const metrics = executorMetrics(deps.registry);
      // Agents are started by a small helper process: cheap forks, an event loop that keeps
      // serving NATS, and no agent outliving this executor (see libs/sandbox/launcher).
      // Without Perl to run it, agents start from this process.
      const launcher = await startLauncher().catch((err: unknown) => {
        log.warn(
          { err: coerceError(err) },
          "no spawn launcher: agents start from the executor itself (slower), and a kill -9 of the executor leaves them running",
        );
        return undefined;
      });
      const control = await startControlWatch(bus.js, bus.kv.control, (err) =>
        log.error({ err }, "control watch ended; reading the bucket instead"),
      ).catch(async (err: unknown) => {
        await launcher?.close();
        throw err;
      });
      const running = new Map<string, RunningTask>();
      const ws = startWorkspaces(deps, () => new Set(running.keys()));
      const homeSpares = keepSpareHomes(config);
      const sandbox = await createSandboxDriver(config.sandbox, {
        slots: config.executor.slots,
        pathEnv: opts.env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
        ...(launcher ? { spawner: (spec: SpawnSpec) => launcher.spawn(spec) } : {}),
      }).catch(async (err: unknown) => {
        control.stop();
        await Promise.all([ws.stop(), homeSpares.close().catch(() => undefined)]);
        await launcher?.close();
        throw err;
      });
      log.info({ driver: sandbox.name }, "agent sandbox ready");
      const backends = new BackendRegistry(config.backends, {
        env: opts.env,
        prices: { ...DEFAULT_PRICES, ...config.prices },
      });
      // executor.maxTasks: after that many attempts stop pulling; the process then exits.
      const enough = new AbortController();
      let claimed = 0;
      const maxTasks = config.executor.maxTasks;
      const quota = {
        claim(): boolean {
          if (maxTasks !== undefined && claimed >= maxTasks) return false;
          claimed++;
          if (maxTasks !== undefined && claimed >= maxTasks) {
            log.info({ maxTasks }, "started its last task (executor.maxTasks): pulling no more");
            enough.abort();
          }
          return true;
        },
      };
      const ctx: ExecutorContext = {
        bus,
        config,
        backends,
        sandbox,
        log,
        instance: deps.instance,
        control,
        metrics,
        agentEnv: agentBaseEnv(opts.env),
        running,
        sinks: opts.sinks ?? [],
        workspaces: ws.workspaces,
        secrets: knownSecrets(deps.secrets),
        quota,
        chores: new TaskChores(),
        homeSpares,
      };
      let pullErrors = 0;
      let lastPullError: string | undefined;
      const consumer = runConsumer({
        js: bus.js,
        stream: Streams.tasks,
        consumer: Consumers.executor,
        concurrency: config.executor.slots,
        handler: createTaskHandler(ctx),
        stop: AbortSignal.any([deps.stop, enough.signal]),
        force: deps.force,
        dlqSubject: taskDlqSubject,
        taskIdOf,
        onSettled: (msg, settled) => {
          if (settled.verb === "term") {
            const o = settled.outcome;
            log.warn(
              {
                seq: msg.info.streamSequence,
                reason: o.kind === "dead" ? o.reason : undefined,
                header: DlqHeaders.reason,
              },
              "task message dead-lettered",
            );
          }
        },
        onPullError: (err) => {
          pullErrors++;
          lastPullError = err.message;
          log.warn({ err }, "pull failed; retrying");
        },
      });
      log.info(
        { slots: config.executor.slots, backends: Object.keys(config.backends) },
        "executor pulling tasks",
      );
      return {
        component: {
          name: "executor",
          ready: () => true,
          status: () => ({
            instance: deps.instance,
            slots: config.executor.slots,
            busy: consumer.inFlight(),
            running: [...running.values()],
            pullErrors,
            lastPullError,
            workspaces: ws.lastSweep(),
          }),
        },
        done: consumer.done.finally(async () => {
          await ctx.chores.drain();
          await Promise.all([ws.stop(), homeSpares.close().catch(() => undefined)]);
          control.stop();
          await sandbox.close();
          await launcher?.close();
        }),
      };
    },
  };
}
