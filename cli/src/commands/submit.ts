import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseDuration } from "@nightshift/config";
import { TaskCard, TaskMode } from "@nightshift/contracts";
import { UsageError } from "@nightshift/errors";
import type { Command } from "../command.ts";
import { openSession } from "../connection.ts";
import { eventLine, recordText } from "../format.ts";

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function positiveNumber(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${flag} must be a positive number, got "${JSON.stringify(v)}"`);
  return n;
}

export const submit: Command = {
  name: "submit",
  summary: "queue a task for an agent (exits 0 with --wait only if it succeeded)",
  usage:
    "[--repo PATH|URL] [--base BRANCH] [--backend NAME] [--model M] [--timeout 30m] [--wait] [--json] -- <prompt>",
  options: {
    repo: { type: "string", short: "r" },
    base: { type: "string" },
    backend: { type: "string", short: "b" },
    model: { type: "string" },
    timeout: { type: "string", short: "t" },
    "max-turns": { type: "string" },
    "max-cost": { type: "string" },
    mode: { type: "string" },
    card: { type: "string" },
    id: { type: "string" },
    wait: { type: "boolean", short: "w" },
    json: { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
  },
  allowPositionals: true,
  async run(args, io) {
    const v = args.values;
    let card: TaskCard | undefined;
    const cardPath = str(v["card"]);
    if (cardPath !== undefined) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(resolve(io.cwd, cardPath), "utf8"));
      } catch (err) {
        throw new UsageError(`cannot read task card ${cardPath}: ${(err as Error).message}`);
      }
      const parsed = TaskCard.safeParse(raw);
      if (!parsed.success) {
        throw new UsageError(
          `invalid task card ${cardPath}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(card)"}: ${i.message}`).join("; ")}`,
        );
      }
      card = parsed.data;
    }
    const prompt = args.positionals.join(" ").trim() || card?.goal;
    if (!prompt) throw new UsageError("a prompt is required (after --) or a task card with a goal");
    const timeoutRaw = str(v["timeout"]);
    let timeoutSec: number | undefined;
    if (timeoutRaw !== undefined) {
      const ms = /^\d+$/.test(timeoutRaw) ? Number(timeoutRaw) * 1000 : parseDuration(timeoutRaw);
      if (ms === undefined || ms < 1000)
        throw new UsageError(
          `--timeout must be a duration such as 90s, 30m or 2h, got "${timeoutRaw}"`,
        );
      timeoutSec = Math.round(ms / 1000);
    }
    const modeRaw = str(v["mode"]);
    const mode = modeRaw === undefined ? undefined : TaskMode.safeParse(modeRaw);
    if (mode && !mode.success)
      throw new UsageError(`--mode must be autonomous or supervised, got "${modeRaw}"`);
    const maxTurns = positiveNumber(v["max-turns"], "max-turns");
    const session = await openSession(args.config, io, { provision: true });
    const client = session.client;
    try {
      const backend = str(v["backend"]);
      if (backend !== undefined && !(backend in session.loaded.config.backends)) {
        io.err(
          `warning: backend "${backend}" is not in this machine's config; the executor decides\n`,
        );
      }
      const { task, created } = await client.submit({
        prompt,
        repo: str(v["repo"]),
        base: str(v["base"]),
        backend,
        model: str(v["model"]),
        timeoutSec,
        maxTurns: maxTurns !== undefined ? Math.round(maxTurns) : undefined,
        maxCostUsd: positiveNumber(v["max-cost"], "max-cost"),
        mode: mode?.data,
        card,
        id: str(v["id"]),
        cwd: io.cwd,
      });
      if (v["wait"] !== true) {
        if (v["json"] === true) io.out(`${JSON.stringify({ id: task.id, created })}\n`);
        else io.out(`${task.id}${created ? "" : " (already submitted)"}\n`);
        return 0;
      }
      if (v["json"] !== true) io.err(`submitted ${task.id}; waiting for it to finish\n`);
      for await (const { event } of client.events(task.id, { follow: true })) {
        if (v["json"] === true || v["quiet"] === true) continue;
        const line = eventLine(event);
        if (line !== undefined) io.err(`${line}\n`);
      }
      const final = await client.get(task.id);
      if (!final) throw new Error(`task ${task.id} has no record`);
      if (v["json"] === true) io.out(`${JSON.stringify(final, null, 2)}\n`);
      else io.out(recordText(final));
      return final.state === "succeeded" ? 0 : 1;
    } finally {
      await session.close();
    }
  },
};
