import { UsageError } from "@nightshift/errors";
import type { Command } from "../command.ts";
import { openSession } from "../connection.ts";

export const dlq: Command = {
  name: "dlq",
  summary: "list dead-lettered messages with their reasons, or redrive one",
  usage: "list [--json] | redrive <task-id|seq>",
  options: { json: { type: "boolean" } },
  async run(args, io) {
    const [sub, ref] = args.positionals;
    if (sub !== "list" && sub !== "redrive") throw new UsageError('expected "list" or "redrive"');
    if (sub === "redrive" && ref === undefined)
      throw new UsageError("redrive needs a task id or a DLQ sequence number");
    const session = await openSession(args.config, io);
    try {
      if (sub === "redrive") {
        const r = await session.client.redrive(ref as string);
        io.out(`redriven ${r.taskId} (dead letter ${r.seq})\n`);
        return 0;
      }
      const letters = await session.client.deadLetters();
      if (args.values["json"] === true) io.out(`${JSON.stringify(letters, null, 2)}\n`);
      else if (letters.length === 0) io.out("no dead letters\n");
      else {
        for (const l of letters) {
          io.out(
            `${String(l.seq).padStart(5)}  ${l.time}  ${l.taskId ?? "(no task id)"}  ${l.reason ?? "?"}${l.detail ? `: ${l.detail}` : ""}\n`,
          );
        }
      }
      return 0;
    } finally {
      await session.close();
    }
  },
};
