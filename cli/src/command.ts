import type { ParseArgsConfig } from "node:util";

/** Where a command reads and writes; injectable so commands are tested without a process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  /** Global `--config` path. */
  config: string | undefined;
}

/** One `nightshift <name>` command. Commands resolve their exit code. */
export interface Command {
  name: string;
  summary: string;
  /** Usage after `nightshift <name>`, e.g. `[id] [--json]`. */
  usage: string;
  options: OptionSpec;
  /** Whether to accept more positionals than the usage line names. */
  allowPositionals?: boolean;
  run(args: ParsedArgs, io: Io): Promise<number>;
}
