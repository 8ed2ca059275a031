import { NightshiftError, UsageError } from "@nightshift/errors";
import type { Command } from "../command.ts";
import { openSession } from "../connection.ts";
import { eventLine } from "../format.ts";

export const logs: Command = {
  name: "logs",
  summary: "replay a task's output and events; --follow keeps reading until it ends",
  usage: "<id> [--follow] [--json]",
  options: { follow: { type: "boolean", short: "f" }, json: { type: "boolean" } },
  async run(args, io) {
    const id = args.positionals[0];
    if (id === undefined) throw new UsageError("a task id is required");
    const session = await openSession(args.config, io);
    try {
      if (!(await session.client.get(id))) throw new NightshiftError("NOT_FOUND", `no task ${id}`);
      for await (const { event } of session.client.events(id, {
        follow: args.values["follow"] === true,
      })) {
        if (args.values["json"] === true) io.out(`${JSON.stringify(event)}\n`);
        else {
          const line = eventLine(event);
          if (line !== undefined) io.out(`${line}\n`);
        }
      }
      return 0;
    } finally {
      await session.close();
    }
  },
};
