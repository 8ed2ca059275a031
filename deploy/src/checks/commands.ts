import { parseArgs } from "node:util";
import type { Command } from "@nightshift/cli";

export interface Invocation {
  /** Where it was found, for messages: `docker-compose.yml services.poller.command`. */
  where: string;
  /** The arguments after `nightshift`. */
  args: string[];
}

export interface CommandContext {
  commands: readonly Command[];
  services: readonly string[];
  /** Schedule names of the config the invocation runs with. */
  schedules: readonly string[];
}

/** The arguments after `nightshift` in a container's argv (`tini -- nightshift service x`). */
export function nightshiftArgs(argv: readonly string[]): string[] | undefined {
  const i = argv.findIndex((a) => a === "nightshift" || a.endsWith("/nightshift"));
  return i < 0 ? undefined : argv.slice(i + 1);
}

/**
 * What is wrong with one `nightshift …` command line, judged by the CLI itself: the command
 * must exist, its options must parse with the command's own option spec, `service` must name
 * a service and `trigger` a schedule of the config. Empty when it is right.
 */
export function checkInvocation(inv: Invocation, ctx: CommandContext): string[] {
  const args = [...inv.args];
  while (args[0]?.startsWith("--config")) args.splice(0, args[0].includes("=") ? 1 : 2);
  const name = args.shift();
  if (name === undefined) return [`${inv.where}: runs nightshift without a command`];
  if (["help", "--help", "-h"].includes(name)) return [];
  const cmd = ctx.commands.find((c) => c.name === name);
  if (cmd === undefined) {
    return [
      `${inv.where}: "nightshift ${name}" is not a command (commands: ${ctx.commands.map((c) => c.name).join(", ")})`,
    ];
  }
  let positionals: string[];
  try {
    positionals = parseArgs({
      args,
      options: {
        ...cmd.options,
        help: { type: "boolean", short: "h" },
        config: { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    }).positionals;
  } catch (err) {
    return [`${inv.where}: nightshift ${name}: ${(err as Error).message.split("\n")[0]}`];
  }
  const first = positionals[0];
  if (name === "service" && (first === undefined || !ctx.services.includes(first))) {
    return [
      `${inv.where}: "nightshift service ${first ?? ""}" names no service (${ctx.services.join(", ")})`,
    ];
  }
  if (name === "trigger" && (first === undefined || !ctx.schedules.includes(first))) {
    return [
      `${inv.where}: "nightshift trigger ${first ?? ""}" names no schedule of its config (${ctx.schedules.join(", ") || "none"})`,
    ];
  }
  return [];
}

/** Schedule names in a parsed config, whatever shape the `schedules` section has. */
export function scheduleNames(config: object): string[] {
  const s = (config as Record<string, unknown>)["schedules"];
  if (Array.isArray(s)) {
    return s.flatMap((x) =>
      typeof x === "object" && x !== null && typeof (x as { name?: unknown }).name === "string"
        ? [(x as { name: string }).name]
        : [],
    );
  }
  return s !== null && typeof s === "object" ? Object.keys(s) : [];
}

/**
 * The NATS user a command line runs as in a deployment: a service as itself, `trigger` as the
 * scheduler (it fires a schedule as the scheduler does), everything else as the admin user.
 */
export function natsUserFor(args: readonly string[], admin: string): string {
  if (args[0] === "service" && args[1] !== undefined) return args[1];
  if (args[0] === "trigger") return "scheduler";
  return admin;
}
