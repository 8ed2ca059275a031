import { acquireLease, type Bus } from "@nightshift/messaging";
import { coerceError } from "@nightshift/errors";
import type { Logger } from "@nightshift/runtime";
import type { GatewayStatus } from "../status.ts";
import { sleep } from "../sleep.ts";

export interface InboxLeaseDeps {
  bus: Bus;
  key: string;
  instance: string;
  mailbox: string;
  /** Renewal interval; the lease expires after the `leases` bucket TTL without one. */
  heartbeatMs: number;
  stop: AbortSignal;
  log: Logger;
  status: GatewayStatus;
}

/**
 * Runs `read` only while this instance holds the inbox lease, so of several gateway
 * replicas exactly one reads the mailbox; the others wait and take over when it stops or
 * dies. `read` gets a signal that aborts on shutdown or when the lease is lost.
 */
export async function whileHoldingInbox(
  d: InboxLeaseDeps,
  read: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  let waitingLogged = false;
  while (!d.stop.aborted) {
    const lease = await acquireLease(d.bus.kv.leases, d.key, {
      owner: d.instance,
      taskId: d.mailbox,
      acquiredAt: new Date().toISOString(),
    }).catch((err: unknown) => {
      d.log.warn({ err: coerceError(err) }, "could not try the inbox lease");
      return undefined;
    });
    if (!lease) {
      if (!waitingLogged) d.log.info("another gateway reads this inbox: standing by");
      waitingLogged = true;
      await sleep(d.heartbeatMs, d.stop);
      continue;
    }
    waitingLogged = false;
    d.status.imap.leader = true;
    d.log.info({ mailbox: d.mailbox }, "holding the inbox lease: reading the mailbox");
    const lost = new AbortController();
    const renew = setInterval(() => {
      lease.renew().then(
        (held) => {
          if (!held) {
            d.log.warn("inbox lease lost: another gateway took over; stopping reads");
            lost.abort();
          }
        },
        (err: unknown) => d.log.warn({ err: coerceError(err) }, "inbox lease renewal failed"),
      );
    }, d.heartbeatMs);
    try {
      await read(AbortSignal.any([d.stop, lost.signal]));
    } finally {
      clearInterval(renew);
      d.status.imap.leader = false;
      await lease.release().catch(() => undefined);
    }
  }
}
