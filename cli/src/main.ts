#!/usr/bin/env node
import { runCli } from "./run.ts";

const code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
// Everything has been released; a handle some library left open must not keep us alive.
setTimeout(() => process.exit(code), 3_000).unref();
