import { hostServices, SERVICE_NAMES, type ServiceName } from "@nightshift/host";
import { UsageError } from "@nightshift/errors";
import type { Command } from "../command.ts";
import { serviceDefinitions } from "../services.ts";

export const service: Command = {
  name: "service",
  summary: `run one service as its container does (${SERVICE_NAMES.join(", ")})`,
  usage: `<${SERVICE_NAMES.join("|")}>`,
  options: {},
  run(args, io) {
    const name = args.positionals[0];
    if (name === undefined || !(SERVICE_NAMES as readonly string[]).includes(name)) {
      return Promise.reject(
        new UsageError(
          `expected one of ${SERVICE_NAMES.join(", ")}${name ? `, got "${name}"` : ""}`,
        ),
      );
    }
    const def = serviceDefinitions(io.env, io.cwd)[name as ServiceName];
    return hostServices([def], { name, env: io.env, configPath: args.config });
  },
};
