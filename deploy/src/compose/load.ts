import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { interpolate } from "./interpolate.ts";

/** A Compose file as parsed: YAML merge keys (`<<`) resolved, variables not yet substituted. */
export function readComposeFile(path: string): Record<string, unknown> {
  const doc: unknown = parse(readFileSync(path, "utf8"), { merge: true, uniqueKeys: true });
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new Error(`${path} is not a mapping`);
  }
  return doc as Record<string, unknown>;
}

/** The file as Compose would run it with this environment (`.env` and shell variables). */
export function resolveCompose(
  raw: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  return interpolate(raw, env) as Record<string, unknown>;
}
