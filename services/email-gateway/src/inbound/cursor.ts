import { z } from "zod";
import { isWrongLastSequence, type KV } from "@nightshift/messaging";
import { NightshiftError } from "@nightshift/errors";

const MailboxCursor = z.object({
  /** UIDVALIDITY as a decimal string (IMAP allows 32-bit unsigned values). */
  uidValidity: z.string(),
  /** Every UID up to this one has been handled. */
  lastUid: z.number().int().nonnegative(),
  updatedAt: z.string(),
});
export type MailboxCursor = z.infer<typeof MailboxCursor>;

/**
 * The UIDVALIDITY/UID position of one mailbox in the `cursors` bucket, written only with
 * CAS: a second reader that lost its inbox lease cannot move the position backwards.
 */
export class CursorStore {
  readonly kv: KV;
  readonly key: string;
  /** Revision of the value last read or written; undefined while the key holds no value. */
  private revision: number | undefined;
  constructor(kv: KV, key: string) {
    this.kv = kv;
    this.key = key;
  }

  async read(): Promise<MailboxCursor | undefined> {
    const e = await this.kv.get(this.key);
    if (!e || e.operation !== "PUT") {
      this.revision = undefined;
      return undefined;
    }
    this.revision = e.revision;
    const parsed = MailboxCursor.safeParse(e.json());
    if (!parsed.success) {
      throw new NightshiftError("INVALID_PAYLOAD", `mailbox cursor ${this.key} is invalid`);
    }
    return parsed.data;
  }

  async write(uidValidity: string, lastUid: number): Promise<void> {
    const value: MailboxCursor = { uidValidity, lastUid, updatedAt: new Date().toISOString() };
    try {
      const body = JSON.stringify(value);
      this.revision =
        this.revision === undefined
          ? await this.kv.create(this.key, body)
          : await this.kv.update(this.key, body, this.revision);
    } catch (err) {
      if (isWrongLastSequence(err)) {
        throw new NightshiftError(
          "CONFLICT",
          `mailbox cursor ${this.key} was changed by someone else (another gateway took over)`,
          { cause: err },
        );
      }
      throw err;
    }
  }
}
