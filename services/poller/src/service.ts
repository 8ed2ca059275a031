import { secretValues } from "@nightshift/config";
import { coerceError } from "@nightshift/errors";
import { connectGitHub } from "@nightshift/github";
import type { ServiceDefinition } from "@nightshift/host";
import { acceptTrigger, type AcceptContext } from "./accept.ts";
import { processDue } from "./due.ts";
import { escalateOnce } from "./escalate-once.ts";
import { announceGiveUp } from "./github/give-up.ts";
import { GitHubSources } from "./github/sources.ts";
import { GitHubWriteback } from "./github/writeback.ts";
import { ItemStore } from "./item-state.ts";
import { CursorKeys } from "./kv-keys.ts";
import { runAsLeader } from "./leader.ts";
import { pollerMetrics } from "./metrics.ts";
import { pruneDeliveries } from "./prune-deliveries.ts";
import { mountWebhookRoute } from "./webhook-route.ts";
import { startWriteback, type SourceWriter } from "./writeback.ts";

const DAY = 86_400_000;

/**
 * The poller: watches GitHub repositories (and Linear, task folders), turns what it finds
 * into tasks exactly once, takes GitHub webhooks, and writes task progress back to the
 * source. Each source is polled by one replica at a time (a leader lease per source).
 */
export function pollerService(): ServiceDefinition {
  return {
    name: "poller",
    async start(deps) {
      const { config, secrets, bus, log } = deps;
      const pc = config.poller;
      const metrics = pollerMetrics(deps.registry);
      const items = new ItemStore(bus.kv.cursors);
      const api = connectGitHub(config.github, secrets, (e) =>
        metrics.githubRequests.inc({ status: String(e.status) }),
      );
      if (pc.github.repos.length > 0 && !api)
        throw new Error(
          "poller.github.repos is set, but neither GITHUB_TOKEN nor GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY are",
        );
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
      const github =
        api && pc.github.repos.length > 0
          ? new GitHubSources({
              api,
              poller: pc,
              cursors: bus.kv.cursors,
              accept: (t) => acceptTrigger(accept, t),
              escalateOnce: (key, item, esc) => escalateOnce(bus, items, key, item, esc),
              log,
            })
          : undefined;
      const leading = new Set<string>();
      const loops: Promise<void>[] = [];
      const leader = (id: string, interval: () => number, tick: () => Promise<void>): void => {
        loops.push(
          runAsLeader({
            bus,
            key: CursorKeys.leader(id),
            instance: deps.instance,
            log,
            stop: deps.stop,
            interval,
            renewMs: Math.max(100, Math.floor(config.nats.leaseTtl / 3)),
            tick,
            onLeadership: (on) => (on ? leading.add(id) : leading.delete(id)),
          }),
        );
      };
      const webhookSecret = secrets.GITHUB_WEBHOOK_SECRET;
      const pollEvery = (): number => (webhookSecret ? pc.webhookInterval : pc.interval);
      for (const { id, repo } of github?.ids() ?? [])
        leader(id, pollEvery, async () => {
          const w = await github?.watcher(repo);
          await w?.poll();
        });
      let pruned = 0;
      leader(
        "due",
        () => Math.min(5_000, Math.max(200, Math.floor(pc.cooldown / 5))),
        async () => {
          await processDue(accept, log);
          if (Date.now() - pruned > 3_600_000) {
            pruned = Date.now();
            await pruneDeliveries(bus.kv.cursors, 3 * DAY);
          }
        },
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
        // Webhooks need the watchers; build them now rather than at the first poll.
        void github
          .watcher("")
          .catch((err: unknown) =>
            log.warn({ err: coerceError(err) }, "GitHub not reachable yet; polling retries"),
          );
      }

      const writers: Record<string, SourceWriter> = {};
      if (api)
        writers["github"] = new GitHubWriteback({
          api,
          labels: config.github.labels,
          maxAttempts: pc.maxAttempts,
          secrets: secretValues(secrets),
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
          webhooks: webhookSecret ? pc.webhook.path : false,
        },
        "poller started",
      );
      return {
        component: {
          name: "poller",
          ready: () => github?.ready() ?? true,
          status: () => ({
            instance: deps.instance,
            leading: [...leading],
            github: pc.github.repos.map((r) => r.repo),
            webhooks: webhookSecret ? pc.webhook.path : null,
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
