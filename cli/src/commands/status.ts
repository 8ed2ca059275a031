import { NightshiftError } from "@nightshift/errors";
import type { Command } from "../command.ts";
import { openSession } from "../connection.ts";
import { recordLine, recordText } from "../format.ts";
import { scheduleLines } from "../format-schedules.ts";

export const status: Command = {
  name: "status",
  summary: "system status (queue, running and waiting tasks, services), or one task's record",
  usage: "[id] [--json] [--all]",
  options: { json: { type: "boolean" }, all: { type: "boolean", short: "a" } },
  async run(args, io) {
    const json = args.values["json"] === true;
    const session = await openSession(args.config, io);
    const client = session.client;
    try {
      const id = args.positionals[0];
      if (id !== undefined) {
        const r = await client.get(id);
        if (!r) throw new NightshiftError("NOT_FOUND", `no task ${id}`);
        io.out(json ? `${JSON.stringify(r, null, 2)}\n` : recordText(r));
        return 0;
      }
      const s = await client.status();
      if (json) {
        io.out(`${JSON.stringify(s, null, 2)}\n`);
        return 0;
      }
      const lines = [
        `queue     ${s.queue.messages} message(s): ${s.queue.pending} undelivered, ${s.queue.ackPending} delivered and unfinished`,
        `tasks     ${
          Object.entries(s.counts)
            .map(([k, n]) => `${k} ${n}`)
            .join(", ") || "none"
        }`,
        `dlq       ${s.dlq.messages} dead letter(s)`,
        "services",
        ...(s.services.length === 0
          ? ["  none running"]
          : s.services.map(
              (p) =>
                `  ${p.service.padEnd(14)} ${p.state.padEnd(9)} ${p.instance}${p.http ? `  ${p.http}` : ""}`,
            )),
        ...scheduleLines(s.scheduling),
        "running",
        ...(s.running.length === 0 ? ["  none"] : s.running.map((r) => `  ${recordLine(r)}`)),
        "waiting",
        ...(s.waiting.length === 0 ? ["  none"] : s.waiting.map((r) => `  ${recordLine(r)}`)),
      ];
      if (args.values["all"] === true) {
        lines.push(
          "recent",
          ...(await client.list({ limit: 50 })).records.map((r) => `  ${recordLine(r)}`),
        );
      }
      io.out(`${lines.join("\n")}\n`);
      return 0;
    } finally {
      await session.close();
    }
  },
};
