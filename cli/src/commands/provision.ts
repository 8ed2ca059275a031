import { loadConfig } from "@nightshift/config";
import { connectNats, inboxPrefixFor, provision as provisionNats } from "@nightshift/messaging";
import type { Command } from "../command.ts";
import { resolveNatsUrl } from "../connection.ts";
import { serviceDefinitions } from "../services.ts";

/**
 * Creates or updates the streams, consumers, buckets and object store, then exits: what a
 * deployment runs once per install or upgrade (compose's `provision` service, the Kubernetes
 * `provision` Job) with a NATS user allowed to manage JetStream, so the services themselves
 * only need rights to use what exists. Services that own streams, consumers or buckets of
 * their own provision them here too.
 */
export const provision: Command = {
  name: "provision",
  summary: "create or update JetStream streams, consumers, KV buckets and object store, then exit",
  usage: "[--json]",
  options: { json: { type: "boolean" } },
  async run(args, io) {
    const loaded = loadConfig({ path: args.config, env: io.env, cwd: io.cwd });
    const servers = resolveNatsUrl(loaded, io);
    const user = loaded.secrets.NATS_USER;
    const nc = await connectNats({
      servers,
      name: "nightshift-provision",
      user,
      pass: loaded.secrets.NATS_PASSWORD,
      token: loaded.secrets.NATS_TOKEN,
      inboxPrefix: user && inboxPrefixFor(user),
      timeoutMs: 10_000,
    });
    try {
      const report = await provisionNats(nc, loaded.config.nats);
      const services: string[] = [];
      for (const def of Object.values(serviceDefinitions(io.env))) {
        if (def.provision === undefined) continue;
        await def.provision({ nc, config: loaded.config });
        services.push(def.name);
      }
      if (args.values["json"] === true) {
        io.out(`${JSON.stringify({ ...report, services }, null, 2)}\n`);
      } else {
        const lines = [
          ...report.created.map((w) => `created    ${w}`),
          ...report.updated.map((w) => `updated    ${w}`),
          ...report.unchanged.map((w) => `unchanged  ${w}`),
          ...services.map((name) => `ensured    what ${name} owns`),
        ];
        io.out(
          `${lines.join("\n")}\nprovisioned NATS at ${servers} (replicas ${loaded.config.nats.replicas})\n`,
        );
      }
      return 0;
    } finally {
      await nc.close();
    }
  },
};
