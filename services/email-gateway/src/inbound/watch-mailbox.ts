import type { EmailConfig } from "@nightshift/config";
import { coerceError } from "@nightshift/errors";
import type { Logger } from "@nightshift/runtime";
import type { GatewayStatus } from "../status.ts";
import { ImapError, type ImapSession } from "./imap-client.ts";
import { sleep } from "../sleep.ts";

export interface WatchDeps {
  cfg: EmailConfig;
  log: Logger;
  status: GatewayStatus;
  /** Ends the watch: on shutdown, or when the inbox lease is lost. */
  stop: AbortSignal;
  open(): Promise<ImapSession>;
  sync(session: ImapSession): Promise<void>;
}

/** Doubling backoff from min to max with jitter (50–100 %), so replicas do not reconnect in step. */
export function reconnectDelay(failures: number, minMs: number, maxMs: number): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.5 + Math.random() * 0.5));
}

/**
 * Keeps a connection to the inbox: sync, then IDLE until the server announces mail, sync
 * again. A dropped connection or a failed sync reconnects with backoff; the backoff resets
 * after a sync succeeds.
 */
export async function watchMailbox(d: WatchDeps): Promise<void> {
  let failures = 0;
  while (!d.stop.aborted) {
    let error: string | undefined;
    try {
      await session(d, () => {
        failures = 0;
      });
    } catch (err) {
      const e = coerceError(err);
      error = e.message;
      const auth = e instanceof ImapError && e.code === "IMAP_AUTH";
      const line = e.message.startsWith("IMAP") ? e.message : `inbox sync failed: ${e.message}`;
      d.log[auth ? "error" : "warn"]({ err: e }, line);
    }
    d.status.disconnected(error);
    if (d.stop.aborted) break;
    failures++;
    const delayMs = reconnectDelay(failures, d.cfg.imap.reconnectMin, d.cfg.imap.reconnectMax);
    d.status.noteReconnect();
    d.log.info({ delayMs, failures }, `reconnecting to IMAP in ${delayMs} ms`);
    await sleep(delayMs, d.stop);
  }
}

async function session(d: WatchDeps, healthy: () => void): Promise<void> {
  const s = await d.open();
  d.status.connected(d.cfg.folders.inbox, s.uidValidity);
  d.log.info(
    { mailbox: d.cfg.folders.inbox, uidValidity: s.uidValidity, uidNext: s.uidNext },
    "IMAP connected: watching the inbox (IDLE)",
  );
  let dirty = true;
  let recheck = false;
  let closed = false;
  let wake: (() => void) | undefined;
  const poke = (): void => wake?.();
  s.onNewMail(() => {
    dirty = true;
    poke();
  });
  void s.closed.then(() => {
    closed = true;
    poke();
  });
  d.stop.addEventListener("abort", poke);
  // A safety net for servers whose IDLE goes quiet, and for changes IDLE does not report
  // (a mailbox deleted and re-created under the selected one).
  const poll = setInterval(() => {
    dirty = true;
    recheck = true;
    poke();
  }, d.cfg.imap.pollInterval);
  try {
    while (!d.stop.aborted && !closed) {
      if (recheck) {
        recheck = false;
        const now = await s.reselect();
        if (now !== s.uidValidity) {
          throw new ImapError(
            "IMAP_MAILBOX_CHANGED",
            `IMAP mailbox ${d.cfg.folders.inbox} was re-created (UIDVALIDITY ${s.uidValidity} is now ${now}): reopening it`,
          );
        }
      }
      if (dirty) {
        dirty = false;
        await d.sync(s);
        healthy();
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    clearInterval(poll);
    d.stop.removeEventListener("abort", poke);
    if (!closed) await s.logout();
  }
  if (!d.stop.aborted) throw new ImapError("IMAP_CONNECTION", "IMAP server closed the connection");
}
