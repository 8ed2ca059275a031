import { userInfo } from "node:os";
import { UsageError } from "@nightshift/errors";
import { triggerSchedule } from "@nightshift/scheduler";
import type { Command } from "../command.ts";
import { openClient } from "../connection.ts";

/** Exit code when the fire published nothing (gate, pause, disabled schedule). */
export const NOT_PUBLISHED = 3;

export const trigger: Command = {
  name: "trigger",
  summary: `fire one slot of a schedule now (exit 0 published, ${NOT_PUBLISHED} skipped with the reason)`,
  usage: "<schedule> [--slot ISO-TIME] [--json]",
  options: { slot: { type: "string" }, json: { type: "boolean" } },
  async run(args, io) {
    const name = args.positionals[0];
    if (name === undefined) throw new UsageError("a schedule name is required");
    const rawSlot = args.values["slot"];
    let slot: Date | undefined;
    if (typeof rawSlot === "string") {
      slot = new Date(rawSlot);
      if (Number.isNaN(slot.getTime()))
        throw new UsageError(
          `--slot must be a date and time such as 2026-11-21T02:00:00Z, got "${rawSlot}"`,
        );
    }
    const client = await openClient(args.config, io, { provision: true });
    try {
      const { config, secrets } = client.loaded;
      const r = await triggerSchedule(
        {
          bus: client.bus,
          config,
          secrets,
          env: io.env,
          cwd: io.cwd,
          by: `cli:${userInfo().username}`,
        },
        name,
        slot !== undefined ? { slot } : {},
      );
      const at = r.slot.toISOString();
      if (args.values["json"] === true) {
        io.out(`${JSON.stringify({ schedule: name, ...r, slot: at })}\n`);
      } else if (r.outcome === "skipped") {
        io.err(`${name} ${at} not published: ${r.reason}: ${r.detail}\n`);
      } else {
        io.out(`${r.taskId}${r.outcome === "duplicate" ? " (already published)" : ""}\n`);
      }
      return r.outcome === "skipped" ? NOT_PUBLISHED : 0;
    } finally {
      await client.close();
    }
  },
};
