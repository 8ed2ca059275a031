import { loadConfig } from "@nightshift/config";
import { UsageError } from "@nightshift/errors";
import type { Command } from "../command.ts";

export const config: Command = {
  name: "config",
  summary: "check the configuration and print every problem with its path",
  usage: "check",
  options: {},
  run(args, io) {
    if (args.positionals[0] !== "check") return Promise.reject(new UsageError('expected "check"'));
    const loaded = loadConfig({ path: args.config, env: io.env, cwd: io.cwd });
    const c = loaded.config;
    io.out(
      `${loaded.path ?? "(no config file: defaults)"} is valid: ${Object.keys(c.backends).length} backend(s) [${Object.keys(c.backends).join(", ")}], ` +
        `${c.executor.slots} executor slot(s), NATS ${c.nats.url ?? "(started by `nightshift up`)"}\n`,
    );
    return Promise.resolve(0);
  },
};
