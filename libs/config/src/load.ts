import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigIssue } from "./config-error.ts";
import { NightshiftConfig } from "./schema.ts";
import { Secrets } from "./secrets.ts";

export interface LoadedConfig {
  config: NightshiftConfig;
  secrets: Secrets;
  /** The file read, or undefined when none existed and defaults were used. */
  path: string | undefined;
}

export interface LoadConfigOptions {
  /** Explicit path (from `--config`); an explicit path that does not exist is an error. */
  path?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/** Environment variables that override a key of the file. */
export const ENV_OVERRIDES: Readonly<Record<string, { path: string[]; type: "string" | "int" }>> = {
  NATS_URL: { path: ["nats", "url"], type: "string" },
  NIGHTSHIFT_HTTP_HOST: { path: ["http", "host"], type: "string" },
  NIGHTSHIFT_HTTP_PORT: { path: ["http", "port"], type: "int" },
  NIGHTSHIFT_SLOTS: { path: ["executor", "slots"], type: "int" },
  LOG_LEVEL: { path: ["log", "level"], type: "string" },
  GITHUB_API_URL: { path: ["github", "apiUrl"], type: "string" },
};

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function zodIssues(error: z.ZodError, prefix: string): ConfigIssue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
}

/** Parses a raw config object plus environment. Throws ConfigError listing every problem. */
export function parseConfig(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
): Omit<LoadedConfig, "path"> {
  const issues: ConfigIssue[] = [];
  const doc: Record<string, unknown> =
    raw === null || raw === undefined ? {} : (structuredClone(raw) as Record<string, unknown>);
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError([{ path: "", message: "the config file must be a mapping" }]);
  }
  for (const [name, { path, type }] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    if (type === "int") {
      const n = Number(value);
      if (!Number.isInteger(n))
        issues.push({ path: `env.${name}`, message: `must be an integer, got "${value}"` });
      else setPath(doc, path, n);
    } else {
      setPath(doc, path, value);
    }
  }
  const config = NightshiftConfig.safeParse(doc);
  if (!config.success) issues.push(...zodIssues(config.error, ""));
  // An empty variable is an unset one (compose passes `KEY=` from .env through as "").
  const secrets = Secrets.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (!secrets.success) issues.push(...zodIssues(secrets.error, "env"));
  if (issues.length > 0 || !config.success || !secrets.success) throw new ConfigError(issues);
  return { config: config.data, secrets: secrets.data };
}

/** Reads `nightshift.yml` (or the given path) and the environment. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? options.env["NIGHTSHIFT_CONFIG"];
  const path = resolve(cwd, explicit ?? "nightshift.yml");
  if (!existsSync(path)) {
    if (explicit !== undefined)
      throw new ConfigError([{ path: "", message: `config file ${path} does not exist` }]);
    return { ...parseConfig({}, options.env), path: undefined };
  }
  const doc = parseDocument(readFileSync(path, "utf8"), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        path: `${path}:${e.linePos?.[0]?.line ?? "?"}`,
        message: e.message.split("\n")[0] ?? e.message,
      })),
      path,
    );
  }
  try {
    return { ...parseConfig(doc.toJS(), options.env), path };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.issues, path);
    throw err;
  }
}
