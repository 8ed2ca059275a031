import type { Command } from "../command.ts";
import { openSession } from "../connection.ts";

export const resume: Command = {
  name: "resume",
  summary: "resume all scheduling, or one schedule",
  usage: "[--schedule NAME]",
  options: { schedule: { type: "string", short: "s" } },
  async run(args, io) {
    const schedule = args.values["schedule"];
    const name = typeof schedule === "string" ? schedule : undefined;
    const session = await openSession(args.config, io, { provision: true });
    try {
      const { resumed } = await session.client.resume({ schedule: name });
      const what = name === undefined ? "scheduling" : `schedule ${name}`;
      io.out(resumed ? `${what} resumed\n` : `${what} was not paused\n`);
      return 0;
    } finally {
      await session.close();
    }
  },
};
