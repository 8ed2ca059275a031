import { existsSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { busClient, httpClient, type NightshiftClient } from "@nightshift/client";
import { loadConfig, type LoadedConfig } from "@nightshift/config";
import { NightshiftError } from "@nightshift/errors";
import { connectNats, inboxPrefixFor, openBus, provision, type Bus } from "@nightshift/messaging";
import type { Io } from "./command.ts";

/** What `nightshift up` leaves for other commands run from the same directory. */
export interface UpState {
  natsUrl: string;
  http: string;
  pid: number;
}

export function upStatePath(cwd: string): string {
  return join(cwd, ".nightshift", "up.json");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The `up` state file, if the process that wrote it still runs. */
export function readUpState(cwd: string): UpState | undefined {
  const path = upStatePath(cwd);
  if (!existsSync(path)) return undefined;
  try {
    const s = JSON.parse(readFileSync(path, "utf8")) as UpState;
    return alive(s.pid) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** NATS_URL, then `nats.url` from the config, then a running `nightshift up` in this directory. */
export function resolveNatsUrl(loaded: LoadedConfig, io: Io): string {
  const url = loaded.config.nats.url ?? readUpState(io.cwd)?.natsUrl;
  if (url === undefined) {
    throw new NightshiftError(
      "NATS_CONNECT",
      "no NATS server to talk to: set NATS_URL or nats.url, or start the stack here with `nightshift up`",
    );
  }
  return url;
}

export interface Client {
  loaded: LoadedConfig;
  bus: Bus;
  close(): Promise<void>;
}

/** Connects as a client. With `provision`, creates missing streams and buckets first. */
export async function openClient(
  configPath: string | undefined,
  io: Io,
  opts: { provision?: boolean } = {},
): Promise<Client> {
  const loaded = loadConfig({ path: configPath, env: io.env, cwd: io.cwd });
  const servers = resolveNatsUrl(loaded, io);
  const nc = await connectNats({
    servers,
    name: "nightshift-cli",
    user: loaded.secrets.NATS_USER,
    pass: loaded.secrets.NATS_PASSWORD,
    token: loaded.secrets.NATS_TOKEN,
    inboxPrefix: loaded.secrets.NATS_USER && inboxPrefixFor(loaded.secrets.NATS_USER),
    timeoutMs: 5_000,
  });
  try {
    if (opts.provision === true) await provision(nc, loaded.config.nats);
    const bus = await openBus(nc).catch((err: unknown) => {
      throw new NightshiftError(
        "NATS_CONNECT",
        `NATS at ${servers} has no nightshift streams yet (start a service or \`nightshift up\` first): ${String(err)}`,
      );
    });
    return { loaded, bus, close: () => nc.close() };
  } catch (err) {
    await nc.close();
    throw err;
  }
}

export interface Session {
  loaded: LoadedConfig;
  client: NightshiftClient;
  close(): Promise<void>;
}

/**
 * The client commands use: the HTTP API when `NIGHTSHIFT_API_URL` is set (with the token in
 * `NIGHTSHIFT_API_TOKEN`), NATS otherwise. Both run the same library code, so a command
 * prints the same either way.
 */
export async function openSession(
  configPath: string | undefined,
  io: Io,
  opts: { provision?: boolean } = {},
): Promise<Session> {
  const apiUrl = io.env["NIGHTSHIFT_API_URL"];
  if (apiUrl !== undefined && apiUrl !== "") {
    const loaded = loadConfig({ path: configPath, env: io.env, cwd: io.cwd });
    const client = httpClient({ url: apiUrl, token: loaded.secrets.NIGHTSHIFT_API_TOKEN });
    return { loaded, client, close: () => Promise.resolve() };
  }
  const c = await openClient(configPath, io, opts);
  return {
    loaded: c.loaded,
    client: busClient(c.bus, { by: `cli:${userInfo().username}` }),
    close: () => c.close(),
  };
}
