import type { PauseState } from "@nightshift/client";
import type { Command } from "../command.ts";
import { openSession } from "../connection.ts";

function describe(s: PauseState): string {
  const lines = [s.all ? `everything paused (by ${s.all.by} at ${s.all.at})` : "not paused"];
  for (const [name, f] of Object.entries(s.schedules))
    lines.push(`schedule ${name} paused (by ${f.by} at ${f.at})`);
  return `${lines.join("\n")}\n`;
}

function pauseCommand(name: "pause" | "resume"): Command {
  return {
    name,
    summary:
      name === "pause"
        ? "pause everything, or one schedule (--schedule NAME); --show prints what is paused"
        : "resume everything, or one schedule (--schedule NAME)",
    usage: name === "pause" ? "[--schedule NAME | --show]" : "[--schedule NAME]",
    options: {
      schedule: { type: "string", short: "s" },
      ...(name === "pause" ? { show: { type: "boolean" } } : {}),
    },
    async run(args, io) {
      const schedule = args.values["schedule"];
      const scope = typeof schedule === "string" ? { schedule } : {};
      const session = await openSession(args.config, io);
      try {
        const s =
          args.values["show"] === true
            ? await session.client.pauseState()
            : name === "pause"
              ? await session.client.pause(scope)
              : await session.client.resume(scope);
        io.out(describe(s));
        return 0;
      } finally {
        await session.close();
      }
    },
  };
}

export const pause = pauseCommand("pause");
export const resume = pauseCommand("resume");
