import type { EmailConfig } from "@nightshift/config";
import type { Logger } from "@nightshift/runtime";
import type { GatewayStatus } from "../status.ts";
import type { CursorStore } from "./cursor.ts";
import { FLAG_DONE, FLAG_SKIPPED, type Disposition } from "./flags.ts";
import { ImapError, type ImapSession } from "./imap-client.ts";

export interface SyncDeps {
  cfg: EmailConfig;
  cursor: CursorStore;
  log: Logger;
  status: GatewayStatus;
  stop: AbortSignal;
  /** Turns one message into a task, a decision or a skip; throws when it should be retried. */
  handle(uid: number, source: Buffer): Promise<Disposition>;
}

type Mode = "first" | "rescan" | "incremental";

/**
 * Handles every message the cursor has not covered yet, oldest first. Order per message:
 * handle (publish, acknowledged by JetStream) → mark in IMAP → advance the cursor. A crash
 * anywhere repeats the message, and the handling is idempotent, so nothing is lost or doubled.
 *
 * - No cursor yet (first start): unread mail is work, read mail is history.
 * - UIDVALIDITY changed (the mailbox was re-created): every message without our keywords
 *   is looked at again; Message-ID-derived task ids stop duplicates.
 */
export async function syncMailbox(d: SyncDeps, session: ImapSession): Promise<void> {
  const stored = await d.cursor.read();
  let mode: Mode;
  let lastUid = 0;
  let candidates: number[];
  if (stored === undefined) {
    mode = "first";
    candidates = await session.search({ seen: false, unKeyword: FLAG_SKIPPED });
    d.log.info({ unread: candidates.length }, "no cursor for this mailbox yet: taking unread mail");
  } else if (stored.uidValidity !== session.uidValidity) {
    mode = "rescan";
    d.status.noteUidValidityChange();
    d.log.warn(
      { mailbox: d.cfg.folders.inbox, was: stored.uidValidity, now: session.uidValidity },
      "UIDVALIDITY changed (the mailbox was re-created or restored): UIDs start over, rescanning every message not yet marked",
    );
    await d.cursor.write(session.uidValidity, 0);
    candidates = await session.search({ unKeyword: FLAG_DONE, not: { keyword: FLAG_SKIPPED } });
  } else {
    mode = "incremental";
    lastUid = stored.lastUid;
    const from = stored.lastUid + 1;
    // `N:*` always matches the highest UID, even one below N.
    candidates = (await session.search({ uid: `${from}:*` })).filter((u) => u >= from);
  }

  for (const uid of candidates) {
    if (d.stop.aborted) return;
    await processOne(d, session, uid);
    if (mode !== "first") {
      lastUid = Math.max(lastUid, uid);
      await d.cursor.write(session.uidValidity, lastUid);
    }
    d.status.noteCursor(session.uidValidity, Math.max(lastUid, uid));
  }
  if (mode !== "incremental") {
    // Everything below UIDNEXT (as of opening) was a candidate, marked, or history.
    lastUid = Math.max(lastUid, session.uidNext - 1, candidates.at(-1) ?? 0);
    await d.cursor.write(session.uidValidity, lastUid);
  }
  d.status.noteCursor(session.uidValidity, lastUid);
  d.status.noteSync();
}

async function processOne(d: SyncDeps, session: ImapSession, uid: number): Promise<void> {
  const meta = await session.meta(uid);
  if (meta === undefined) return; // expunged meanwhile
  if (meta.flags.includes(FLAG_DONE) || meta.flags.includes(FLAG_SKIPPED)) return;
  let disposition: Disposition;
  if (meta.size > d.cfg.limits.maxMessageSize) {
    d.log.warn(
      { uid, size: meta.size, limit: d.cfg.limits.maxMessageSize },
      `mail uid ${uid} is ${meta.size} bytes, over email.limits.maxMessageSize: not downloaded, left unread`,
    );
    disposition = { kind: "skipped", reason: "too-large" };
  } else {
    const source = await session.source(uid);
    // Listed a moment ago and now without content: do not move past it, look again later.
    if (source === undefined) {
      throw new ImapError("IMAP_COMMAND", `IMAP FETCH of uid ${uid} returned no message`);
    }
    disposition = await d.handle(uid, source);
  }
  d.status.noteDisposition(disposition);
  if (disposition.kind === "done") {
    await session.addFlags(uid, ["\\Seen", FLAG_DONE]);
    if (d.cfg.folders.processed !== undefined) await session.move(uid, d.cfg.folders.processed);
  } else {
    await session.addFlags(uid, [FLAG_SKIPPED]);
  }
}
