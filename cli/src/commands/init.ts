import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { EXAMPLE_CONFIG } from "@nightshift/config";
import { NightshiftError } from "@nightshift/errors";
import type { Command } from "../command.ts";

export const init: Command = {
  name: "init",
  summary: "write a commented example nightshift.yml",
  usage: "[--force] [--output FILE]",
  options: { force: { type: "boolean" }, output: { type: "string", short: "o" } },
  run(args, io) {
    const out = args.values["output"];
    const path = resolve(io.cwd, typeof out === "string" ? out : "nightshift.yml");
    if (existsSync(path) && args.values["force"] !== true) {
      return Promise.reject(
        new NightshiftError("CONFLICT", `${path} exists; use --force to overwrite it`),
      );
    }
    writeFileSync(path, EXAMPLE_CONFIG);
    io.out(`wrote ${path}\n`);
    return Promise.resolve(0);
  },
};
