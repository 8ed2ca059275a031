import type { PauseState } from "@nightshift/client";
import type { Command } from "../command.ts";
import { openSession } from "../connection.ts";

/** The pause flags as lines (`pause --show`). */
export function pauseLines(s: PauseState): string {
  const lines = [
    s.all ? `scheduling paused (by ${s.all.by} at ${s.all.at})` : "scheduling not paused",
  ];
  for (const [name, f] of Object.entries(s.schedules))
    lines.push(`schedule ${name} paused (by ${f.by} at ${f.at})`);
  return `${lines.join("\n")}\n`;
}

export const pause: Command = {
  name: "pause",
  summary: "pause all scheduling, or one schedule (durable until resume); --show lists the flags",
  usage: "[--schedule NAME | --show]",
  options: { schedule: { type: "string", short: "s" }, show: { type: "boolean" } },
  async run(args, io) {
    const schedule = args.values["schedule"];
    const name = typeof schedule === "string" ? schedule : undefined;
    const session = await openSession(args.config, io, { provision: true });
    try {
      if (args.values["show"] === true) {
        io.out(pauseLines(await session.client.pauseState()));
        return 0;
      }
      if (name !== undefined && !(name in session.loaded.config.schedules))
        io.err(`warning: schedule "${name}" is not in this machine's config\n`);
      await session.client.pause({ schedule: name });
      io.out(name === undefined ? "scheduling paused\n" : `schedule ${name} paused\n`);
      return 0;
    } finally {
      await session.close();
    }
  },
};
