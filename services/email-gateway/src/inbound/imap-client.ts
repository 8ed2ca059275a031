import { readFileSync } from "node:fs";
import { ImapFlow, type ImapFlowError, type SearchObject } from "imapflow";
import type { EmailConfig } from "@nightshift/config";
import type { Logger } from "@nightshift/runtime";

export type ImapErrorCode =
  "IMAP_AUTH" | "IMAP_TLS" | "IMAP_CONNECTION" | "IMAP_COMMAND" | "IMAP_MAILBOX_CHANGED";

/** An IMAP failure in our terms; imapflow's string codes stay in this file. */
export class ImapError extends Error {
  readonly code: ImapErrorCode;
  constructor(code: ImapErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ImapError";
    this.code = code;
  }
}

const CONNECTION_CODES = new Set([
  "NoConnection",
  "EConnectionClosed",
  "ClosedAfterConnectText",
  "ClosedAfterConnectTLS",
  "CONNECT_TIMEOUT",
  "GREETING_TIMEOUT",
  "UPGRADE_TIMEOUT",
  "ETIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);

/** Maps whatever imapflow threw to an ImapError with a message an operator can act on. */
export function mapImapError(thrown: unknown, what: string): ImapError {
  if (thrown instanceof ImapError) return thrown;
  const err = (thrown instanceof Error ? thrown : new Error(String(thrown))) as ImapFlowError;
  if (err.authenticationFailed === true) {
    return new ImapError(
      "IMAP_AUTH",
      `IMAP login refused (${typeof err.response === "string" ? err.response : (err.serverResponseCode ?? "authentication failed")}): check email.imap.user and IMAP_PASSWORD`,
      { cause: err },
    );
  }
  if (err.tlsFailed === true || /CERT|SELF_SIGNED|TLS|SSL/.test(err.code ?? "")) {
    return new ImapError(
      "IMAP_TLS",
      `IMAP TLS failed: ${err.message} (email.imap.caFile can name a CA to trust)`,
      { cause: err },
    );
  }
  if (err.code !== undefined && CONNECTION_CODES.has(err.code)) {
    return new ImapError("IMAP_CONNECTION", `IMAP connection lost (${err.code}) during ${what}`, {
      cause: err,
    });
  }
  const detail = err.responseText ?? err.message;
  return new ImapError("IMAP_COMMAND", `IMAP ${what} failed: ${detail}`, { cause: err });
}

export interface MessageMeta {
  uid: number;
  size: number;
  flags: string[];
}

/** An open IMAP connection with the inbox selected: the operations the gateway needs. */
export interface ImapSession {
  readonly uidValidity: string;
  /** UIDNEXT when the mailbox was opened. */
  readonly uidNext: number;
  /**
   * Selects the inbox again and returns its UIDVALIDITY now. A mailbox deleted and
   * re-created under the selection keeps answering from the old view on some servers
   * (Dovecot, even to STATUS), so only a new SELECT notices.
   */
  reselect(): Promise<string>;
  search(query: SearchObject): Promise<number[]>;
  meta(uid: number): Promise<MessageMeta | undefined>;
  source(uid: number): Promise<Buffer | undefined>;
  addFlags(uid: number, flags: string[]): Promise<void>;
  move(uid: number, folder: string): Promise<void>;
  /** Called when the server announces new mail (during IDLE or after a command). */
  onNewMail(listener: () => void): void;
  /** Resolves when the connection closed, for whatever reason. */
  readonly closed: Promise<void>;
  logout(): Promise<void>;
}

export interface OpenImapOptions {
  cfg: EmailConfig;
  password: string;
  log: Logger;
}

/** Connects, logs in, creates the processed folder if needed and selects the inbox. */
export async function openImapSession(opts: OpenImapOptions): Promise<ImapSession> {
  const { cfg, password } = opts;
  const imap = cfg.imap;
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.security === "tls",
    doSTARTTLS: imap.security === "starttls",
    auth: { user: imap.user, pass: password },
    ...(imap.caFile !== undefined ? { tls: { ca: readFileSync(imap.caFile) } } : {}),
    // imapflow logs every command at debug; only its warnings are worth a line.
    logger: opts.log.child({ component: "imapflow" }, { level: "warn" }),
    // The server announces new mail only while IDLE runs, so start it soon after the last
    // command (the default waits 15 s, delaying mail that arrives meanwhile by as much).
    autoIdleDelay: 500,
    // Some servers drop an IDLE silently after ~30 minutes; restart it well before.
    maxIdleTime: 5 * 60_000,
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
  });
  const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
  client.on("error", (err: Error) =>
    opts.log.warn({ err: mapImapError(err, "connection") }, "IMAP connection error"),
  );
  try {
    await client.connect();
    const inbox = cfg.folders.inbox;
    if (cfg.folders.processed !== undefined) {
      const list = await client.list();
      if (!list.some((m) => m.path === cfg.folders.processed))
        await client.mailboxCreate(cfg.folders.processed);
    }
    const box = await client.mailboxOpen(inbox);
    const listeners: (() => void)[] = [];
    client.on("exists", () => listeners.forEach((l) => l()));
    const wrap = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        throw mapImapError(err, what);
      }
    };
    return {
      uidValidity: box.uidValidity.toString(),
      uidNext: box.uidNext,
      reselect: () =>
        wrap("SELECT", async () => (await client.mailboxOpen(inbox)).uidValidity.toString()),
      search: (query) =>
        wrap("SEARCH", async () => {
          const r = await client.search(query, { uid: true });
          return Array.isArray(r) ? [...r].sort((a, b) => a - b) : [];
        }),
      meta: (uid) =>
        wrap("FETCH", async () => {
          const m = await client.fetchOne(
            String(uid),
            { uid: true, flags: true, size: true },
            { uid: true },
          );
          if (!m) return undefined;
          return { uid: m.uid, size: m.size ?? 0, flags: [...(m.flags ?? [])] };
        }),
      source: (uid) =>
        wrap("FETCH", async () => {
          const m = await client.fetchOne(String(uid), { source: true }, { uid: true });
          return m ? m.source : undefined;
        }),
      addFlags: (uid, flags) =>
        wrap("STORE", async () => {
          await client.messageFlagsAdd(String(uid), flags, { uid: true });
        }),
      move: (uid, folder) =>
        wrap("MOVE", async () => {
          await client.messageMove(String(uid), folder, { uid: true });
        }),
      onNewMail: (l) => listeners.push(l),
      closed,
      async logout() {
        await client.logout().catch(() => client.close());
      },
    };
  } catch (err) {
    client.close();
    throw mapImapError(err, "login");
  }
}
