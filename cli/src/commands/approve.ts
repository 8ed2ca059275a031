import { UsageError } from "@nightshift/errors";
import type { Command } from "../command.ts";
import { openSession } from "../connection.ts";

function decision(name: "approve" | "reject"): Command {
  return {
    name,
    summary: `${name} a supervised task's checkpoint`,
    usage: "<id> [--message TEXT]",
    options: { message: { type: "string", short: "m" } },
    async run(args, io) {
      const id = args.positionals[0];
      if (id === undefined) throw new UsageError("a task id is required");
      const session = await openSession(args.config, io);
      try {
        const msg = args.values["message"];
        const d = await session.client.decide(id, name, typeof msg === "string" ? msg : undefined);
        io.out(`${id} ${d.decision === "approve" ? "approved" : "rejected"} by ${d.by}\n`);
        return 0;
      } finally {
        await session.close();
      }
    },
  };
}

export const approve = decision("approve");
export const reject = decision("reject");
