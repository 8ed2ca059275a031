import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ENV_OVERRIDES, Secrets } from "@nightshift/config";

/** Variables the platform reads rather than nightshift's code, with the reason they are set. */
export const PLATFORM_ENV: Readonly<Record<string, string>> = {
  HOME: "git and the agent CLIs keep their settings under $HOME (a writable volume)",
  NODE_ENV: "production mode for Node.js and libraries",
  NODE_EXTRA_CA_CERTS: "the CA that signed nats-server's certificate, when NATS uses TLS",
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (entry === "node_modules" || entry === "dist") continue;
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith(".ts") && !/\.(int\.)?test\.ts$|\.int\.ts$/.test(p)) out.push(p);
  }
  return out;
}

/** Variables a config names in keys ending in `Env` (a channel's `webhookUrlEnv` …). */
function namedByConfig(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) for (const v of node) namedByConfig(v, out);
  else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k.endsWith("Env") && typeof v === "string") out.add(v);
      else namedByConfig(v, out);
    }
  }
}

/**
 * Every environment variable nightshift reads: the secrets schema, the variables that
 * override config keys, the variables the given configs name, and every `env["NAME"]` /
 * `env.NAME` in the sources of the libraries, services and CLI. A deployment that sets
 * anything else sets something nothing reads.
 */
export function knownEnv(repo: string, configs: readonly object[] = []): Set<string> {
  const names = new Set<string>([...Object.keys(Secrets.shape), ...Object.keys(ENV_OVERRIDES)]);
  for (const c of configs) namedByConfig(c, names);
  const roots = ["libs", "services"].flatMap((d) =>
    readdirSync(join(repo, d)).map((pkg) => join(repo, d, pkg, "src")),
  );
  roots.push(join(repo, "cli", "src"));
  const pattern = /env(?:\?\.|\.)?\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\]|env\.([A-Z][A-Z0-9_]*)\b/g;
  for (const root of roots) {
    let files: string[];
    try {
      files = sources(root);
    } catch {
      continue;
    }
    for (const file of files) {
      for (const m of readFileSync(file, "utf8").matchAll(pattern))
        names.add((m[1] ?? m[2]) as string);
    }
  }
  return names;
}
