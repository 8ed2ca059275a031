import { Consumers, Streams } from "@nightshift/contracts";
import type { ServiceDefinition } from "@nightshift/host";
import { jetstreamManager } from "@nats-io/jetstream";
import { runConsumer } from "@nightshift/messaging";
import { buildChannels } from "./build-channels.ts";
import type { SourceThreads } from "./channel.ts";
import { Deliveries } from "./delivery.ts";
import { createEventHandler } from "./handle-event.ts";
import { notifierMetrics } from "./metrics.ts";
import { ProgressCoalescer } from "./progress.ts";
import { ensureNotifierConsumer, openNotificationsBucket } from "./provision.ts";

export interface NotifierOptions {
  /** Where channel secrets are read (SLACK_WEBHOOK_URL, webhook signing secrets …). */
  env: Readonly<Record<string, string | undefined>>;
  /** Source-thread channels (GitHub, Linear comments) by source kind, for `type: source`. */
  sourceThreads?: SourceThreads;
}

/** Events handled at once; one retrying notification never holds up the others. */
const SLOTS = 4;

/** The notifier: a durable consumer on EVENTS that tells people what happened. */
export function notifierService(opts: NotifierOptions): ServiceDefinition {
  return {
    name: "notifier",
    async provision({ nc, config }) {
      await ensureNotifierConsumer(await jetstreamManager(nc));
      await openNotificationsBucket(nc, config.nats);
    },
    async start(deps) {
      const { bus, config, log } = deps;
      const metrics = notifierMetrics(deps.registry);
      const channels = buildChannels(
        { bus, config, secrets: deps.secrets, env: opts.env, log },
        opts.sourceThreads ?? {},
      );
      const routed = new Set(config.notifier.rules.flatMap((r) => r.channels));
      for (const name of channels.keys())
        if (!routed.has(name)) log.warn({ channel: name }, "channel is not used by any rule");
      await ensureNotifierConsumer(bus.jsm);
      const kv = await openNotificationsBucket(bus.nc, config.nats);
      const timeouts = Object.values(config.notifier.channels).map((c) =>
        "timeout" in c ? c.timeout : 10_000,
      );
      const deliveries = new Deliveries({
        kv,
        instance: deps.instance,
        maxAttempts: config.notifier.maxAttempts,
        retryDelayMs: config.notifier.retryDelay,
        retryMaxDelayMs: config.notifier.retryMaxDelay,
        claimTtlMs: 2 * Math.max(10_000, ...timeouts) + 5_000,
      });
      let pullErrors = 0;
      const consumer = runConsumer({
        js: bus.js,
        stream: Streams.events,
        consumer: Consumers.notifier,
        concurrency: SLOTS,
        handler: createEventHandler({
          tasks: bus.tasks,
          deliveries,
          progress: new ProgressCoalescer(kv),
          channels,
          config: config.notifier,
          metrics,
          log,
        }),
        stop: deps.stop,
        force: deps.force,
        dlqSubject: () => "dlq.notifier",
        autoWorkingMs: 10_000,
        onPullError: (err) => {
          pullErrors++;
          log.warn({ err }, "pull failed; retrying");
        },
      });
      log.info(
        { channels: [...channels.keys()], rules: config.notifier.rules.length },
        "notifier started",
      );
      return {
        component: {
          name: "notifier",
          ready: () => true,
          status: async () => ({
            channels: [...channels.keys()],
            rules: config.notifier.rules.length,
            busy: consumer.inFlight(),
            pullErrors,
            deliveries: (await metrics.deliveries.get()).values.map((v) => ({
              ...v.labels,
              count: v.value,
            })),
          }),
        },
        done: consumer.done,
      };
    },
  };
}
