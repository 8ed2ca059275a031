import { parseArgs } from "node:util";
import { isNightshiftError } from "@nightshift/errors";
import type { Command, Io } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";

function help(io: Io): void {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  io.out(
    [
      "nightshift: autonomous coding agents on your own machines",
      "",
      "usage: nightshift [--config FILE] <command> [options]",
      "",
      ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
      "",
      "Run `nightshift <command> --help` for a command's options.",
      "",
    ].join("\n"),
  );
}

function commandHelp(c: Command, io: Io): void {
  const opts = Object.entries(c.options).map(
    ([name, o]) =>
      `  --${name}${o.type === "string" ? " VALUE" : ""}${o.short ? ` (-${o.short})` : ""}`,
  );
  io.out(
    [
      `usage: nightshift ${c.name} ${c.usage}`,
      "",
      c.summary,
      ...(opts.length ? ["", ...opts] : []),
      "",
    ].join("\n"),
  );
}

/** Parses argv, runs the command, and turns every failure into one line and an exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let config: string | undefined;
  const rest = [...argv];
  while (rest[0]?.startsWith("--config")) {
    const a = rest.shift() as string;
    config = a.includes("=") ? a.slice(a.indexOf("=") + 1) : rest.shift();
  }
  const name = rest.shift();
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    help(io);
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`nightshift: unknown command "${name}" (see nightshift --help)\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        ...cmd.options,
        help: { type: "boolean", short: "h" },
        config: { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    io.err(
      `nightshift ${cmd.name}: ${(err as Error).message.split("\n")[0]}\nusage: nightshift ${cmd.name} ${cmd.usage}\n`,
    );
    return 2;
  }
  if (parsed.values["help"] === true) {
    commandHelp(cmd, io);
    return 0;
  }
  const cfg = parsed.values["config"];
  try {
    return await cmd.run(
      {
        values: parsed.values,
        positionals: parsed.positionals,
        config: typeof cfg === "string" ? cfg : (config ?? io.env["NIGHTSHIFT_CONFIG"]),
      },
      io,
    );
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    if (isNightshiftError(e, "USAGE")) {
      io.err(`nightshift ${cmd.name}: ${e.message}\nusage: nightshift ${cmd.name} ${cmd.usage}\n`);
      return 2;
    }
    io.err(`nightshift ${cmd.name}: ${e.message}\n`);
    if (io.env["NIGHTSHIFT_DEBUG"] === "1" && e.stack) io.err(`${e.stack}\n`);
    return 1;
  }
}
