import { Counter, Gauge, type Registry } from "prom-client";
import type { Disposition } from "./inbound/flags.ts";

/**
 * What the gateway reports on `/status` and `/metrics`. Parts of the gateway note what
 * happens; nothing reads these values to decide anything.
 */
export class GatewayStatus {
  readonly enabled: boolean;
  readonly reason: string | undefined;
  private readonly inbound: Counter<"result">;
  private readonly outbound: Counter<"result">;
  private readonly connectedGauge: Gauge;
  private counts: Record<string, number> = {};
  private sent: Record<string, number> = {};
  imap = {
    address: "",
    mailbox: "",
    leader: false,
    connected: false,
    since: undefined as string | undefined,
    uidValidity: undefined as string | undefined,
    lastUid: undefined as number | undefined,
    lastSyncAt: undefined as string | undefined,
    reconnects: 0,
    uidValidityChanges: 0,
    lastError: undefined as string | undefined,
  };

  constructor(registry: Registry, opts: { enabled: boolean; reason?: string }) {
    this.enabled = opts.enabled;
    this.reason = opts.reason;
    this.inbound = new Counter({
      name: "nightshift_email_inbound_total",
      help: "Mails the gateway handled, by result (task, follow-up, approval, or the skip reason)",
      labelNames: ["result"],
      registers: [registry],
    });
    this.outbound = new Counter({
      name: "nightshift_email_outbound_total",
      help: "Outgoing mails, by result (sent, retry, dead, suppressed reasons)",
      labelNames: ["result"],
      registers: [registry],
    });
    this.connectedGauge = new Gauge({
      name: "nightshift_email_imap_connected",
      help: "1 while this instance holds the inbox and is connected to IMAP",
      registers: [registry],
    });
  }

  connected(mailbox: string, uidValidity: string): void {
    this.imap = {
      ...this.imap,
      mailbox,
      connected: true,
      since: new Date().toISOString(),
      uidValidity,
      lastError: undefined,
    };
    this.connectedGauge.set(1);
  }

  disconnected(error: string | undefined): void {
    this.imap.connected = false;
    if (error !== undefined) this.imap.lastError = error;
    this.connectedGauge.set(0);
  }

  noteReconnect(): void {
    this.imap.reconnects++;
  }

  noteUidValidityChange(): void {
    this.imap.uidValidityChanges++;
  }

  noteCursor(uidValidity: string, lastUid: number): void {
    this.imap.uidValidity = uidValidity;
    this.imap.lastUid = lastUid;
  }

  noteSync(): void {
    this.imap.lastSyncAt = new Date().toISOString();
  }

  noteDisposition(d: Disposition): void {
    const key = d.kind === "done" ? d.what : `skipped:${d.reason}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    this.inbound.inc({ result: key });
  }

  noteOutbound(result: string): void {
    this.sent[result] = (this.sent[result] ?? 0) + 1;
    this.outbound.inc({ result });
  }

  /** `/readyz`: the instance reading the inbox must be connected to it. */
  ready(): true | string {
    if (!this.enabled || !this.imap.leader || this.imap.connected) return true;
    return `not connected to IMAP${this.imap.lastError !== undefined ? `: ${this.imap.lastError}` : ""}`;
  }

  snapshot(): Record<string, unknown> {
    if (!this.enabled) return { enabled: false, reason: this.reason };
    return {
      enabled: true,
      imap: { ...this.imap },
      inbound: { ...this.counts },
      outbound: { ...this.sent },
    };
  }
}
