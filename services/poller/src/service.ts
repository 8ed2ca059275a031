import { secretValues } from "@nightshift/config";
import { coerceError } from "@nightshift/errors";
import { connectGitHub } from "@nightshift/github";
import type { ServiceDefinition } from "@nightshift/host";
import { LinearApi, linearRequest } from "@nightshift/linear";
import { acceptTrigger, type AcceptContext } from "./accept.ts";
import { processDue } from "./due.ts";
import { escalateOnce } from "./escalate-once.ts";
import { TaskFolderWatcher } from "./files/folder-watcher.ts";
import { FileWriteback } from "./files/writeback.ts";
import { announceGiveUp } from "./github/give-up.ts";
import { GitHubSources } from "./github/sources.ts";
import { GitHubWriteback } from "./github/writeback.ts";
import { ItemStore } from "./item-state.ts";
import { CursorKeys } from "./kv-keys.ts";
import { runAsLeader } from "./leader.ts";
import { LinearQueueWatcher } from "./linear/queue-watcher.ts";
import { LinearWriteback } from "./linear/writeback.ts";
import { pollerMetrics } from "./metrics.ts";
import { pruneDeliveries } from "./prune-deliveries.ts";
import { mountWebhookRoute } from "./webhook-route.ts";
import { startWriteback, type SourceWriter } from "./writeback.ts";

const HOUR = 3_600_000;

/** A source as the leader loops see it. */
interface PolledSource {
  id: string;
  interval: () => number;
  poll: () => Promise<void>;
}

/**
 * The poller: watches GitHub repositories, Linear queues and task folders, turns what it
 * finds into tasks exactly once, takes GitHub webhooks, and writes task progress back to
 * each source. Each source is polled by one replica at a time (a leader lease per source).
 */
export function pollerService(): ServiceDefinition {
  return {
    name: "poller",
    async start(deps) {
      const { config, secrets, bus, log } = deps;
      const pc = config.poller;
      const metrics = pollerMetrics(deps.registry);
      const items = new ItemStore(bus.kv.cursors);
      const secretList = secretValues(secrets);
      const api = connectGitHub(config.github, secrets, (e) =>
        metrics.githubRequests.inc({ status: String(e.status) }),
      );
      if (pc.github.repos.length > 0 && !api)
        throw new Error(
          "poller.github.repos is set, but neither GITHUB_TOKEN nor GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY are",
        );
      if (pc.linear.queues.length > 0 && !secrets.LINEAR_API_KEY)
        throw new Error("poller.linear.queues is set, but LINEAR_API_KEY is not");
      const linear = secrets.LINEAR_API_KEY
        ? new LinearApi(linearRequest({ apiKey: secrets.LINEAR_API_KEY, apiUrl: pc.linear.apiUrl }))
        : undefined;
      const accept: AcceptContext = {
        bus,
        items,
        cooldownMs: pc.cooldown,
        maxAttempts: pc.maxAttempts,
        async giveUp(t, attempts, at) {
          if (t.giveUp.kind === "github" && api)
            await announceGiveUp(api, t.giveUp.repo, t.giveUp.number, t.item, attempts, at);
        },
      };
      const take = async (t: Parameters<typeof acceptTrigger>[1]) => {
        const result = await acceptTrigger(accept, t);
        metrics.triggers.inc({
          source: t.item.split("/")[0] ?? "unknown",
          result,
        });
        return result;
      };

      const webhookSecret = secrets.GITHUB_WEBHOOK_SECRET;
      const github =
        api && pc.github.repos.length > 0
          ? new GitHubSources({
              api,
              poller: pc,
              cursors: bus.kv.cursors,
              accept: take,
              escalateOnce: (key, item, esc) => escalateOnce(bus, items, key, item, esc),
              log,
            })
          : undefined;
      const sources: PolledSource[] = [];
      for (const { id, repo } of github?.ids() ?? [])
        sources.push({
          id,
          interval: () => (webhookSecret ? pc.webhookInterval : pc.interval),
          poll: async () => (await github?.watcher(repo))?.poll(),
        });
      pc.linear.queues.forEach((queue, index) => {
        if (!linear) return;
        const w = new LinearQueueWatcher({
          api: linear,
          queue,
          index,
          bus,
          items,
          accept: take,
          backend: pc.backend,
          model: pc.model,
          log: log.child({ source: "linear", team: queue.team }),
        });
        sources.push({ id: w.id, interval: () => pc.linear.interval, poll: () => w.poll() });
      });
      for (const src of pc.files) {
        const w = new TaskFolderWatcher(src, take, {
          backend: pc.backend,
          model: pc.model,
          log: log.child({ source: "files", dir: src.dir }),
        });
        sources.push({ id: w.id, interval: () => src.interval, poll: () => w.poll() });
      }
      let pruned = 0;
      sources.push({
        id: "due",
        interval: () => Math.min(5_000, Math.max(200, Math.floor(pc.cooldown / 5))),
        async poll() {
          await processDue(accept, log);
          if (Date.now() - pruned > HOUR) {
            pruned = Date.now();
            await pruneDeliveries(bus.kv.cursors, 72 * HOUR);
          }
        },
      });

      const leading = new Set<string>();
      const loops = sources.map((s) =>
        runAsLeader({
          bus,
          key: CursorKeys.leader(s.id),
          instance: deps.instance,
          log,
          stop: deps.stop,
          interval: s.interval,
          renewMs: Math.max(100, Math.floor(config.nats.leaseTtl / 3)),
          tick: s.poll,
          onLeadership: (on) => (on ? leading.add(s.id) : leading.delete(s.id)),
        }),
      );

      const work = new Set<Promise<void>>();
      if (webhookSecret && github) {
        mountWebhookRoute({
          app: deps.http,
          path: pc.webhook.path,
          secret: webhookSecret,
          bus,
          log,
          metrics,
          watcherFor: (repo) => github.watcherNow(repo),
          track: (p) => {
            work.add(p);
            void p.finally(() => work.delete(p));
          },
        });
        github
          .prepare()
          .catch((err: unknown) =>
            log.warn({ err: coerceError(err) }, "GitHub not reachable yet; polling retries"),
          );
      }

      const writers: Record<string, SourceWriter> = { file: new FileWriteback(secretList) };
      if (api)
        writers["github"] = new GitHubWriteback({
          api,
          labels: config.github.labels,
          maxAttempts: pc.maxAttempts,
          secrets: secretList,
          cursors: bus.kv.cursors,
        });
      if (linear)
        writers["linear"] = new LinearWriteback({
          api: linear,
          queues: pc.linear.queues,
          maxAttempts: pc.maxAttempts,
          secrets: secretList,
          cursors: bus.kv.cursors,
        });
      const writeback = await startWriteback({
        bus,
        items,
        writers,
        policy: { maxAttempts: pc.maxAttempts, cooldownMs: pc.cooldown },
        log,
        stop: deps.stop,
        force: deps.force,
      });
      log.info(
        {
          github: pc.github.repos.map((r) => r.repo),
          linear: pc.linear.queues.map((q) => q.team),
          files: pc.files.map((f) => f.dir),
          webhooks: webhookSecret && github ? pc.webhook.path : false,
        },
        "poller started",
      );
      return {
        component: {
          name: "poller",
          ready: () => github?.ready() ?? true,
          status: () => ({
            instance: deps.instance,
            leading: [...leading].sort(),
            sources: sources.map((s) => s.id),
            webhooks: webhookSecret && github ? pc.webhook.path : null,
            githubError: github?.lastError,
          }),
        },
        done: (async () => {
          await Promise.all(loops);
          await writeback.done;
          await Promise.all([...work]);
        })(),
      };
    },
  };
}
