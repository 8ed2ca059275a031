import { UsageError } from "@nightshift/errors";
import type { Command } from "../command.ts";
import { openSession } from "../connection.ts";

export const cancel: Command = {
  name: "cancel",
  summary: "cancel a task, queued or running",
  usage: "<id> [--message TEXT]",
  options: { message: { type: "string", short: "m" } },
  async run(args, io) {
    const id = args.positionals[0];
    if (id === undefined) throw new UsageError("a task id is required");
    const session = await openSession(args.config, io);
    try {
      const msg = args.values["message"];
      const r = await session.client.cancel(id, typeof msg === "string" ? msg : undefined);
      const text = {
        cancelled: `${id} cancelled`,
        requested: `${id} is running; its executor has been told to stop it`,
        finished: `${id} had already finished (${r.record.state})`,
      }[r.effect];
      io.out(`${text}\n`);
      return r.effect === "finished" ? 1 : 0;
    } finally {
      await session.close();
    }
  },
};
