import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Streams } from "@nightshift/contracts";
import type { InProcessServices } from "@nightshift/host";
import { waitFor } from "@nightshift/testkit";
import { FLAG_DONE } from "./inbound/flags.ts";
import { GatewayFixture, rawMail, taskIdOf } from "./gateway-fixture.int.ts";
import { EmailKeys } from "./keys.ts";

// No executor here: tasks stay queued in TASKS, so its message count is the number of
// distinct tasks ever published (a duplicate would be a second message).
const fx = new GatewayFixture();
beforeAll(() => fx.start());
afterAll(() => fx.dispose());
afterEach((ctx) => fx.afterEach(ctx));

async function tasksInStream(svc: InProcessServices): Promise<number> {
  return (await svc.bus.jsm.streams.info(Streams.tasks)).state.messages;
}

function created(svc: InProcessServices, messageId: string): Promise<void> {
  return fx.published(svc, taskIdOf(messageId));
}

interface ImapStatus {
  leader: boolean;
  connected: boolean;
  reconnects: number;
  uidValidity?: string;
  lastUid?: number;
  uidValidityChanges: number;
}

async function imapStatus(svc: InProcessServices): Promise<ImapStatus> {
  const body = (await (await svc.app.request("/status")).json()) as {
    components: { "email-gateway": { imap: ImapStatus } };
  };
  return body.components["email-gateway"].imap;
}

function cursorKey(mailbox = "INBOX"): string {
  return EmailKeys.mailbox(`${fx.imap.user}@127.0.0.1:${fx.imap.port}`, mailbox);
}

describe("email gateway restarts", () => {
  it("picks up mail by IDLE, and after a gateway restart creates nothing twice and loses nothing", async () => {
    let gw = await fx.gateway();
    await waitFor(async () => (await imapStatus(gw)).connected, { message: "IMAP connected" });
    const t0 = performance.now();
    await fx.imap.append(rawMail({ messageId: "<r-1@example.test>" }));
    await created(gw, "<r-1@example.test>");
    const idleMs = performance.now() - t0;
    // The fallback poll is 60 s: anything this fast came from IDLE.
    expect(idleMs).toBeLessThan(5_000);
    console.info(`IDLE pickup: ${Math.round(idleMs)} ms from APPEND to task record`);

    await fx.stop(gw);
    await fx.imap.append(rawMail({ messageId: "<r-2@example.test>" }));
    await fx.imap.append(rawMail({ messageId: "<r-3@example.test>" }));
    gw = await fx.gateway();
    await created(gw, "<r-2@example.test>");
    await created(gw, "<r-3@example.test>");
    await waitFor(async () => (await imapStatus(gw)).lastUid === 3, { message: "cursor at 3" });
    expect(await tasksInStream(gw)).toBe(3);
    const cursor = (await gw.bus.kv.cursors.get(cursorKey()))!.json<{ lastUid: number }>();
    expect(cursor.lastUid).toBe(3);
    const stored = await fx.imap.messages();
    expect(stored.map((m) => m.flags.includes(FLAG_DONE))).toEqual([true, true, true]);

    // A crash after publishing but before marking: the mark is gone and the cursor behind.
    await fx.stop(gw);
    await fx.imap.removeFlags(3, ["\\Seen", FLAG_DONE]);
    await (
      await fx.bus()
    ).kv.cursors.put(
      cursorKey(),
      JSON.stringify({ ...cursor, lastUid: 2, updatedAt: new Date().toISOString() }),
    );
    gw = await fx.gateway();
    await fx.logs.waitFor(/mail uid 3: task email-\S+ already exists \(handled before\)/);
    await waitFor(async () => (await fx.imap.messages())[2]?.flags.includes(FLAG_DONE), {
      message: "uid 3 marked again",
    });
    await waitFor(async () => (await imapStatus(gw)).lastUid === 3, { message: "cursor at 3" });
    expect(await tasksInStream(gw)).toBe(3);
  });

  it("reconnects with backoff when the IMAP server restarts, and takes the mail delivered meanwhile", async () => {
    const gw = await fx.gateway();
    await waitFor(async () => (await imapStatus(gw)).connected, { message: "IMAP connected" });
    const before = await tasksInStream(gw);
    const { reconnects } = await imapStatus(gw);

    await fx.imap.stop();
    await waitFor(async () => !(await imapStatus(gw)).connected, { message: "IMAP disconnected" });
    await fx.imap.deliverToMaildir(rawMail({ messageId: "<down-1@example.test>" }));
    const t0 = performance.now();
    await fx.imap.start();
    await created(gw, "<down-1@example.test>");
    console.info(
      `IMAP restart: mail delivered during the outage became a task ${Math.round(performance.now() - t0)} ms after the server was back`,
    );
    await fx.imap.append(rawMail({ messageId: "<after-1@example.test>" }));
    await created(gw, "<after-1@example.test>");

    const status = await imapStatus(gw);
    expect(status.connected).toBe(true);
    expect(status.reconnects).toBeGreaterThan(reconnects);
    expect(await tasksInStream(gw)).toBe(before + 2);
    expect(fx.logs.find(/reconnecting to IMAP in \d+ ms/)).toBeDefined();
  });

  it("notices a UIDVALIDITY change, rescans, and creates no duplicate; moves processed mail", async () => {
    await fx.imap.createMailbox("Work");
    const gw = await fx.gateway({
      folders: { inbox: "Work", processed: "Done" },
      imap: { ...(fx.config()["email"] as { imap: object }).imap, pollInterval: "500ms" },
    });
    await waitFor(async () => (await imapStatus(gw)).connected, { message: "IMAP connected" });
    const first = rawMail({ messageId: "<w-1@example.test>" });
    await fx.imap.append(first, "Work");
    await created(gw, "<w-1@example.test>");
    await waitFor(async () => (await fx.imap.messages("Done")).length === 1, {
      message: "w-1 moved to Done",
    });
    expect((await fx.imap.messages("Done"))[0]!.flags).toContain(FLAG_DONE);
    expect(await fx.imap.messages("Work")).toEqual([]);
    const oldValidity = (await imapStatus(gw)).uidValidity;
    const before = await tasksInStream(gw);

    // The mailbox is re-created while the gateway watches it (a restore from backup): the
    // old mail comes back under new UIDs, next to new mail.
    await fx.imap.recreateMailbox("Work");
    await fx.imap.append(first, "Work");
    await fx.imap.append(rawMail({ messageId: "<w-2@example.test>" }), "Work");
    await fx.logs.waitFor(/UIDVALIDITY changed/);
    // Dovecot either drops the connection of a session whose mailbox was deleted, or keeps
    // answering from the old view until the periodic re-SELECT notices.
    expect(
      fx.logs.find(/^IMAP server closed the connection|^IMAP mailbox Work was re-created/),
    ).toBeDefined();
    await created(gw, "<w-2@example.test>");
    await fx.logs.waitFor(/mail uid 1: task email-\S+ already exists \(handled before\)/);
    const status = await imapStatus(gw);
    expect(status.uidValidity).not.toBe(oldValidity);
    expect(status.uidValidityChanges).toBe(1);
    expect(await tasksInStream(gw)).toBe(before + 1);
    const cursor = (await gw.bus.kv.cursors.get(cursorKey("Work")))!.json<{
      uidValidity: string;
    }>();
    expect(cursor.uidValidity).toBe(status.uidValidity);
    await waitFor(async () => (await fx.imap.messages("Work")).length === 0, {
      message: "Work emptied into Done",
    });
  });

  it("lets one of two gateway replicas read the inbox, and the other take over when it stops", async () => {
    const a = await fx.gateway({}, "replica-a");
    const b = await fx.gateway({}, "replica-b");
    await waitFor(async () => (await imapStatus(a)).connected || (await imapStatus(b)).connected, {
      message: "one replica connected",
    });
    const [sa, sb] = [await imapStatus(a), await imapStatus(b)];
    expect([sa.leader, sb.leader].filter(Boolean)).toHaveLength(1);
    const [leader, standby] = sa.leader ? [a, b] : [b, a];
    const before = await tasksInStream(a);

    await fx.imap.append(rawMail({ messageId: "<rep-1@example.test>" }));
    await created(a, "<rep-1@example.test>");
    await fx.stop(leader);
    await waitFor(async () => (await imapStatus(standby)).connected, {
      timeoutMs: 20_000,
      message: "the standby to take over",
    });
    await fx.imap.append(rawMail({ messageId: "<rep-2@example.test>" }));
    await created(standby, "<rep-2@example.test>");
    expect(await tasksInStream(standby)).toBe(before + 2);
    const handled = fx.logs.records.filter(
      (r) => r["messageId"] === "<rep-1@example.test>" && /became task/.test(String(r["msg"])),
    );
    expect(handled).toHaveLength(1);
  });
});
