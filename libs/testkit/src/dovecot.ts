import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import { dovecotConfig, identities } from "./dovecot-config.ts";
import { freePort, waitForPort } from "./ports.ts";

export interface TestDovecotOptions {
  /** Login and mail address of the test user. */
  user?: string;
  password?: string;
  /** PEM certificate and key: adds an implicit-TLS listener on `tlsPort`. */
  tls?: { cert: string; key: string };
}

export interface StoredMessage {
  uid: number;
  flags: string[];
  messageId: string | undefined;
  subject: string | undefined;
}

export interface TestDovecot {
  host: string;
  /** Plain-text IMAP port. */
  port: number;
  /** Implicit-TLS IMAP port, when started with `tls`. */
  tlsPort: number | undefined;
  user: string;
  password: string;
  dir: string;
  /** Delivers a raw message by IMAP APPEND. */
  append(raw: string | Buffer, mailbox?: string): Promise<{ uid: number; uidValidity: bigint }>;
  /** Messages of a mailbox with their flags, for assertions. */
  messages(mailbox?: string): Promise<StoredMessage[]>;
  /** Removes flags from a message (to replay what a crash before marking leaves behind). */
  removeFlags(uid: number, flags: string[], mailbox?: string): Promise<void>;
  /** Deletes and re-creates a mailbox, which gives it a new UIDVALIDITY. */
  recreateMailbox(mailbox: string): Promise<void>;
  /**
   * Delivers a message the way a local delivery agent does, by writing it into the INBOX
   * maildir: works while the server is stopped (mail that arrives during an outage).
   */
  deliverToMaildir(raw: string | Buffer): Promise<void>;
  /** Creates a mailbox (no error when it exists). */
  createMailbox(mailbox: string): Promise<void>;
  /** Stops the server (SIGTERM to the master, which ends its children) and waits for it. */
  stop(): Promise<void>;
  /** Starts it again on the same ports with the same mail. */
  start(): Promise<void>;
  pid(): number | undefined;
  /** The server's log, for failure messages. */
  log(): Promise<string>;
  /** Stops the server and removes its directory. */
  dispose(): Promise<void>;
}

/** The dovecot binary: DOVECOT_BIN, or Debian's `dovecot-imapd` package location. */
export function findDovecot(env: Readonly<Record<string, string | undefined>>): string {
  const candidates = [env["DOVECOT_BIN"], "/usr/sbin/dovecot", "/usr/local/sbin/dovecot"];
  for (const c of candidates) if (c !== undefined && c !== "" && existsSync(c)) return c;
  throw new Error(
    "dovecot not found: install it (apt-get install dovecot-imapd) or set DOVECOT_BIN; the email tests need a real IMAP server",
  );
}

/**
 * Starts a real Dovecot IMAP server on random loopback ports with a throwaway maildir and a
 * passdb holding one test user. Works as root (mail owned by `nobody`) and unprivileged.
 */
export async function startTestDovecot(opts: TestDovecotOptions = {}): Promise<TestDovecot> {
  const bin = findDovecot(process.env);
  const user = opts.user ?? "agent@example.test";
  const password = opts.password ?? "imap-secret-pw";
  // As root, Dovecot's processes run as other users, which must reach the maildir: a
  // private TMPDIR (0700, as the test runner sets one) would shut them out.
  const base = userInfo().uid === 0 ? "/tmp" : tmpdir();
  const dir = await mkdtemp(join(base, "nightshift-dovecot-"));
  const ids = await identities();
  await chmod(dir, 0o755);
  await mkdir(join(dir, "run"));
  await mkdir(join(dir, "state"));
  await mkdir(join(dir, "mail"));
  await chown(join(dir, "mail"), ids.mailUid, ids.mailGid);
  await writeFile(join(dir, "passwd"), `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
  if (opts.tls) {
    await writeFile(join(dir, "cert.pem"), opts.tls.cert);
    await writeFile(join(dir, "key.pem"), opts.tls.key, { mode: 0o600 });
  }
  const port = await freePort();
  const tlsPort = opts.tls ? await freePort() : undefined;
  const conf = join(dir, "dovecot.conf");
  await writeFile(conf, dovecotConfig({ dir, port, tlsPort, ...ids }));

  let delivered = 0;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const log = (): Promise<string> => readFile(join(dir, "dovecot.log"), "utf8").catch(() => "");

  const start = async (): Promise<void> => {
    // Its own process group, so stopping it ends every child with it, as a service
    // manager does (children left to notice the master's death keep connections open).
    const proc = spawn(bin, ["-F", "-c", conf], {
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child = proc;
    exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    const early = exited.then(async () => {
      throw new Error(`dovecot exited during start-up: ${stderr}\n${await log()}`);
    });
    await Promise.race([waitForPort("127.0.0.1", port, 15_000), early]);
    early.catch(() => undefined);
  };

  const signalGroup = (pid: number, sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      // the group is gone already
    }
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
    const pid = proc.pid;
    signalGroup(pid, "SIGTERM");
    const killer = setTimeout(() => signalGroup(pid, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
    // The master is gone; make sure no child of the group outlives it.
    signalGroup(pid, "SIGKILL");
    child = undefined;
  };

  const withClient = async <T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = new ImapFlow({
      host: "127.0.0.1",
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: password },
      logger: false,
    });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.logout().catch(() => c.close());
    }
  };

  await start();
  return {
    host: "127.0.0.1",
    port,
    tlsPort,
    user,
    password,
    dir,
    append: (raw, mailbox = "INBOX") =>
      withClient(async (c) => {
        const r = await c.append(mailbox, raw);
        if (!r || r.uid === undefined) throw new Error(`APPEND to ${mailbox} returned no UID`);
        return { uid: r.uid, uidValidity: r.uidValidity ?? 0n };
      }),
    messages: (mailbox = "INBOX") =>
      withClient(async (c) => {
        const lock = await c.getMailboxLock(mailbox);
        try {
          if (c.mailbox === false || c.mailbox.exists === 0) return [];
          const out: StoredMessage[] = [];
          for await (const m of c.fetch("1:*", { uid: true, flags: true, envelope: true })) {
            out.push({
              uid: m.uid,
              flags: [...(m.flags ?? [])],
              messageId: m.envelope?.messageId,
              subject: m.envelope?.subject,
            });
          }
          return out;
        } finally {
          lock.release();
        }
      }),
    removeFlags: (uid, flags, mailbox = "INBOX") =>
      withClient(async (c) => {
        const lock = await c.getMailboxLock(mailbox);
        try {
          await c.messageFlagsRemove(String(uid), flags, { uid: true });
        } finally {
          lock.release();
        }
      }),
    recreateMailbox: (mailbox) =>
      withClient(async (c) => {
        const before = await c.status(mailbox, { uidValidity: true });
        await c.mailboxDelete(mailbox);
        // A session that still has the mailbox selected may bring its directory back.
        const list = await c.list();
        if (!list.some((l) => l.path === mailbox)) await c.mailboxCreate(mailbox);
        const after = await c.status(mailbox, { uidValidity: true });
        if (!before || !after || before.uidValidity === after.uidValidity) {
          throw new Error(`re-creating ${mailbox} did not change its UIDVALIDITY`);
        }
      }),
    async deliverToMaildir(raw) {
      const root = join(dir, "mail", user);
      for (const sub of ["", "cur", "new", "tmp"]) {
        await mkdir(join(root, sub), { recursive: true });
        await chown(join(root, sub), ids.mailUid, ids.mailGid);
      }
      const name = `${Date.now()}.M${++delivered}P${process.pid}.nightshift-test`;
      const tmp = join(root, "tmp", name);
      await writeFile(tmp, raw, { mode: 0o600 });
      await chown(tmp, ids.mailUid, ids.mailGid);
      await rename(tmp, join(root, "new", name));
    },
    createMailbox: (mailbox) =>
      withClient(async (c) => {
        const list = await c.list();
        if (!list.some((l) => l.path === mailbox)) await c.mailboxCreate(mailbox);
      }),
    stop,
    start,
    pid: () => child?.pid,
    log,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
