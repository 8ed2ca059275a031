import { decideApproval } from "@nightshift/client";
import { UsageError } from "@nightshift/errors";
import { userInfo } from "node:os";
import type { Command } from "../command.ts";
import { openClient } from "../connection.ts";

/** `approve` and `reject` differ only in the decision they write. */
export function decisionCommand(decision: "approve" | "reject", summary: string): Command {
  return {
    name: decision,
    summary,
    usage: "<id> [--message TEXT]",
    options: { message: { type: "string", short: "m" } },
    async run(args, io) {
      const id = args.positionals[0];
      if (id === undefined) throw new UsageError("a task id is required");
      if (args.positionals.length > 1)
        throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
      const client = await openClient(args.config, io);
      try {
        const msg = args.values["message"];
        const r = await decideApproval(
          client.bus,
          id,
          decision,
          `cli:${userInfo().username}`,
          typeof msg === "string" ? msg : undefined,
        );
        const done = decision === "approve" ? "approved" : "rejected";
        io.out(
          r.awaiting
            ? `${id} ${done}; its executor resumes it\n`
            : `${id} ${done}; the decision applies when it reaches its checkpoint (now ${r.record.state})\n`,
        );
        return 0;
      } finally {
        await client.close();
      }
    },
  };
}
