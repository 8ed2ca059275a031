import { PermanentError } from "@nightshift/errors";
import { exposeCommand, type ExposedCommand } from "@nightshift/sandbox";
import type { PriceTable } from "./prices.ts";

/** What backends take from the executor beyond their own config. */
export interface BackendDeps {
  /**
   * The executor's environment. Each backend reads only the variables it documents
   * (its API key and base URL); nothing else of it reaches an agent.
   */
  env: Readonly<Record<string, string | undefined>>;
  prices: PriceTable;
  /** The clock, for rate-limit reset times. */
  now?: () => number;
  /** The window of `requestsPerMinute` limits: a minute, shorter in tests. */
  requestWindowMs?: number;
}

/** The credential `name` from the executor's environment, or a PermanentError saying it is missing. */
export function requireCredential(deps: BackendDeps, backend: string, name: string): string {
  const v = deps.env[name];
  if (v === undefined || v === "")
    throw new PermanentError(
      "missing-credential",
      `backend ${backend} needs ${name} in the executor's environment`,
    );
  return v;
}

/** Finds an agent CLI on the agent's PATH, with what a sandbox must show for it to run. */
export function findCli(
  backend: string,
  command: string,
  pathEnv: string | undefined,
): ExposedCommand {
  const found = exposeCommand(command, pathEnv ?? "");
  if (found === undefined)
    throw new PermanentError(
      "backend-missing",
      `backend ${backend}: ${command} was not found on PATH (${pathEnv ?? ""})`,
    );
  return found;
}

/** Environment variables of the agent that were set (drops undefined values). */
export function definedEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
