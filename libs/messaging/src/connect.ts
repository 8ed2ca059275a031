import { connect, type NatsConnection } from "@nats-io/transport-node";
import { NightshiftError } from "@nightshift/errors";

/** The oldest server nightshift accepts; see ARCHITECTURE.md ("NATS server facts"). */
export const MIN_NATS_SERVER = [2, 10, 0] as const;

export interface ConnectOptions {
  servers: string;
  /** Connection name shown in the server's monitoring (`nightshift-executor`). */
  name: string;
  user?: string | undefined;
  pass?: string | undefined;
  token?: string | undefined;
  /** Give up on the first connect after this long (reconnects afterwards are unlimited). */
  timeoutMs?: number;
  /** Reply subjects start with this instead of `_INBOX` (see `inboxPrefixFor`). */
  inboxPrefix?: string | undefined;
}

/**
 * The reply-subject prefix of a NATS user: `_INBOX.<user>`. Per-user prefixes let the server
 * allow each user to subscribe to its own replies only, so no service can read the answers
 * (KV values, messages) sent to another. The NATS permissions in deploy/ use the same function.
 */
export function inboxPrefixFor(user: string): string {
  return `_INBOX.${user.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** Throws a NightshiftError("NATS_VERSION") when the server is older than 2.10. */
export function assertServerVersion(version: string | undefined): void {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(version ?? "");
  const v = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const a = v[i] ?? 0;
    const b = MIN_NATS_SERVER[i] ?? 0;
    if (a > b) return;
    if (a < b) {
      throw new NightshiftError(
        "NATS_VERSION",
        `nats-server ${version ?? "(unknown)"} is too old: nightshift needs ${MIN_NATS_SERVER.join(".")} or newer ` +
          `(older servers silently ignore settings it relies on; see ARCHITECTURE.md)`,
      );
    }
  }
}

/**
 * Connects with unlimited reconnects and checks the server version. Closes the
 * connection again before throwing if the server is too old.
 */
export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers.split(",").map((s) => s.trim()),
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: options.timeoutMs ?? 10_000,
      // Async stack traces cost an Error (with a captured stack) per request; on the
      // executor's hot path that was a measurable share of CPU.
      noAsyncTraces: true,
      ...(options.user !== undefined ? { user: options.user } : {}),
      ...(options.pass !== undefined ? { pass: options.pass } : {}),
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.inboxPrefix !== undefined ? { inboxPrefix: options.inboxPrefix } : {}),
    });
  } catch (err) {
    throw new NightshiftError(
      "NATS_CONNECT",
      `cannot connect to NATS at ${options.servers}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  try {
    assertServerVersion(nc.info?.version);
  } catch (err) {
    await nc.close();
    throw err;
  }
  return nc;
}
