import { resumeScheduling } from "@nightshift/client";
import type { Command } from "../command.ts";
import { openClient } from "../connection.ts";

export const resume: Command = {
  name: "resume",
  summary: "resume all scheduling, or one schedule",
  usage: "[--schedule NAME]",
  options: { schedule: { type: "string", short: "s" } },
  async run(args, io) {
    const schedule = args.values["schedule"];
    const name = typeof schedule === "string" ? schedule : undefined;
    const client = await openClient(args.config, io, { provision: true });
    try {
      const was = await resumeScheduling(client.bus, { schedule: name });
      const what = name === undefined ? "scheduling" : `schedule ${name}`;
      io.out(was ? `${what} resumed\n` : `${what} was not paused\n`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
