#!/usr/bin/env node
// Set-up that `npm start`, `npm test` and `npm run bench` need on a fresh clone: Node check,
// dependencies, the TypeScript build and a nats-server >= 2.10. Each step is skipped when
// already done, so running it every time costs about a second.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const say = (m) => process.stderr.write(`[bootstrap] ${m}\n`);

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  say(`Node ${process.versions.node} is too old: nightshift needs Node 20.19 or newer.`);
  process.exit(1);
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const lock = join(root, "package-lock.json");
const installed = join(root, "node_modules", ".package-lock.json");
if (
  !existsSync(installed) ||
  (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs)
) {
  say("installing dependencies (npm ci)");
  execFileSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
}

say("building (tsc -b)");
execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-b"], {
  cwd: root,
  stdio: "inherit",
});

const { findNatsServer } = await import(join(root, "libs", "natsd", "dist", "index.js"));
try {
  const bin = await findNatsServer({ env: process.env, onProgress: (line) => say(line) });
  say(`nats-server ${bin.version} (${bin.origin}): ${bin.path}`);
} catch (err) {
  say(err.message);
  process.exit(1);
}
