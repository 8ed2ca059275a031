// `npm run test:faults [-- --profile quick|full] [--seed N] [--keep]`: the fault-injection
// suite. Starts the topology, runs work through injected faults, checks what became of
// every task, prints the report and exits 1 unless the checker passed.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROFILES } from "./profile.ts";
import { formatReport } from "./report.ts";
import { runFaults } from "./run.ts";

const { values } = parseArgs({
  options: {
    profile: { type: "string", default: "full" },
    seed: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const profile = PROFILES[values.profile];
if (!profile) {
  process.stderr.write(`unknown profile ${values.profile} (${Object.keys(PROFILES).join(", ")})\n`);
  process.exit(2);
}
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 1_000_000;
const dir = mkdtempSync(join(tmpdir(), "ns-faults-"));
// Agents run as their own users: they must be able to reach their workspaces in here.
chmodSync(dir, 0o755);
const say = (line: string): void => void process.stderr.write(`[faults] ${line}\n`);
say(`profile ${profile.name}, seed ${seed}, working in ${dir}`);

// Whatever happens to the harness, the processes it started go with it.
let kill = (): void => undefined;
process.on("exit", () => kill());
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    kill();
    process.exit(130);
  });

const outcome = await runFaults(profile, seed, dir, say, (k) => {
  kill = k;
}).catch((err: unknown) => {
  say(
    `the run could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  say(`logs are kept in ${dir}`);
  process.exit(1);
});
const report = formatReport(outcome);
writeFileSync(join(dir, "report.txt"), `${report}\n`);
process.stdout.write(`${report}\n`);
const passed = outcome.result.failures.length === 0 && outcome.error === undefined;
if (passed && !values.keep) rmSync(dir, { recursive: true, force: true });
else say(`logs, repositories and the report are kept in ${dir}`);
process.exit(passed ? 0 : 1);
