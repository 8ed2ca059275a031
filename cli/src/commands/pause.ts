import { userInfo } from "node:os";
import { pauseScheduling } from "@nightshift/client";
import type { Command } from "../command.ts";
import { openClient } from "../connection.ts";

export const pause: Command = {
  name: "pause",
  summary: "pause all scheduling, or one schedule (durable until resume)",
  usage: "[--schedule NAME]",
  options: { schedule: { type: "string", short: "s" } },
  async run(args, io) {
    const schedule = args.values["schedule"];
    const name = typeof schedule === "string" ? schedule : undefined;
    const client = await openClient(args.config, io, { provision: true });
    try {
      if (name !== undefined && !(name in client.loaded.config.schedules))
        io.err(`warning: schedule "${name}" is not in this machine's config\n`);
      await pauseScheduling(client.bus, { schedule: name, by: `cli:${userInfo().username}` });
      io.out(name === undefined ? "scheduling paused\n" : `schedule ${name} paused\n`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
