import type { KV } from "@nightshift/messaging";
import { isWrongLastSequence } from "@nightshift/messaging";
import { z } from "zod";

/** Where polling of one repository stands, with the ETags of its conditional requests. */
export const RepoCursor = z.strictObject({
  v: z.literal(1),
  /** `since` of the issue listing: the newest `updated_at` handled. */
  since: z.string().optional(),
  /** ETag of the issue listing at `since`. */
  etag: z.string().optional(),
  /** `since` of the repository-wide comment listing (mentions). */
  commentsSince: z.string().optional(),
  /** Watched open pull requests by number, with the ETags of their head's checks. */
  pulls: z
    .record(
      z.string(),
      z.strictObject({
        sha: z.string(),
        pullEtag: z.string().optional(),
        runsEtag: z.string().optional(),
        statusEtag: z.string().optional(),
      }),
    )
    .default({}),
});
export type RepoCursor = z.infer<typeof RepoCursor>;

/** A cursor in the `cursors` bucket, written with CAS so a deposed leader cannot rewind it. */
export class CursorStore<T> {
  readonly #kv: KV;
  readonly #key: string;
  readonly #schema: z.ZodType<T>;
  readonly #empty: () => T;

  constructor(kv: KV, key: string, schema: z.ZodType<T>, empty: () => T) {
    this.#kv = kv;
    this.#key = key;
    this.#schema = schema;
    this.#empty = empty;
  }

  async load(): Promise<{ value: T; revision: number }> {
    const e = await this.#kv.get(this.#key);
    if (!e || e.operation !== "PUT") return { value: this.#empty(), revision: 0 };
    const parsed = this.#schema.safeParse(e.json());
    return { value: parsed.success ? parsed.data : this.#empty(), revision: e.revision };
  }

  /** Saves unless someone else wrote since `revision`; returns the new revision or undefined. */
  async save(value: T, revision: number): Promise<number | undefined> {
    const body = JSON.stringify(value);
    try {
      return revision === 0
        ? await this.#kv.create(this.#key, body)
        : await this.#kv.update(this.#key, body, revision);
    } catch (err) {
      if (isWrongLastSequence(err)) return undefined;
      throw err;
    }
  }
}
