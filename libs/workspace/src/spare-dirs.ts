import {
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  writeSync,
} from "node:fs";
import { mkdir, rm, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface SpareDirsOptions {
  /** Where the spares wait; emptied at start. Must be on the same filesystem as the destinations. */
  dir: string;
  /** How many to keep ready. */
  size: number;
  /** Mode of each spare. */
  mode: number;
  /** Empty subdirectories every spare has (a workspace's `work`). */
  inside?: readonly string[];
  /**
   * Files every spare has, by name, filled with that many spaces: overwriting a file's
   * allocated blocks in place costs microseconds where creating a file costs a quarter of
   * a millisecond.
   */
  files?: Readonly<Record<string, number>>;
  /**
   * How long after a spare is taken the pool makes a new one (0: at once). A pool that gets
   * its directories back (`recycle`) waits, so it does not make ones it is about to get.
   */
  refillAfterMs?: number;
}

/**
 * Empty directories made ahead of time. Creating a directory costs a block allocation and
 * a journal entry (a quarter of a millisecond or more on a virtual disk), renaming one
 * costs neither: a task takes a spare by renaming it into place, and the pool makes the
 * next one in the background, off the dispatch path.
 */
export class SpareDirs {
  readonly #o: SpareDirsOptions;
  readonly #ready: string[] = [];
  #filling: Promise<void> | undefined;
  #cleared: Promise<void> | undefined;
  #closed = false;
  #recycling = 0;
  #refill: NodeJS.Timeout | undefined;
  /** Names spares (the pool's folder is emptied at start, so a counter suffices). */
  #made = 0;

  constructor(o: SpareDirsOptions) {
    this.#o = o;
  }

  /** Starts filling the pool (after removing spares a previous process left). */
  start(): void {
    this.#cleared ??= rm(this.#o.dir, { recursive: true, force: true })
      .then(() => mkdir(this.#o.dir, { recursive: true, mode: 0o700 }))
      .then(() => undefined);
    this.#fill();
  }

  /**
   * Renames a spare to `dest` (which must not exist, or be an empty directory); false when
   * none is ready, and the caller makes the directory itself.
   */
  take(dest: string): boolean {
    for (;;) {
      const spare = this.#ready.pop();
      if (spare === undefined) {
        this.#fill();
        return false;
      }
      try {
        renameSync(spare, dest);
        this.#fillSoon();
        return true;
      } catch (err) {
        // The spare is gone (someone emptied the pool's folder) or `dest` is taken: the
        // caller sees the latter when it makes the directory itself.
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
          this.#ready.push(spare);
          this.#fill();
          return false;
        }
      }
    }
  }

  /**
   * Takes back a directory a task is done with when it holds exactly what a spare holds:
   * its folders empty (they are removed and made again) and its files regular, ours, and
   * not linked elsewhere. Resolves false when it does not (or the pool is full); the caller
   * then removes it. Only for directories the agent never owned: an owner could have left
   * an ACL on them that outlives a chown.
   *
   * Removing and making a folder cost the kernel a fifth of a millisecond each, so they
   * run on the thread pool; the checks and the rename, a few microseconds each, run here
   * (a promise-based call costs the event loop tens of microseconds).
   */
  async recycle(dir: string): Promise<boolean> {
    if (this.#closed || this.#cleared === undefined) return false;
    if (this.#ready.length + this.#recycling >= this.#o.size) return false;
    this.#recycling++;
    try {
      const uid = process.getuid?.();
      const own = (st: { uid: number }): boolean => uid === undefined || st.uid === uid;
      const top = lstatSync(dir);
      if (!top.isDirectory() || !own(top)) return false;
      // rmdir refuses a folder that is not empty, and a link in its place
      for (const sub of this.#o.inside ?? []) await rmdir(join(dir, sub));
      const names = readdirSync(dir).sort();
      const files = Object.keys(this.#o.files ?? {}).sort();
      if (names.join("/") !== files.join("/")) return false;
      for (const name of files) {
        const st = lstatSync(join(dir, name));
        if (!st.isFile() || st.nlink !== 1 || !own(st)) return false;
      }
      // what a new spare gets under the usual umask, and never writable by others
      if ((top.mode & 0o7777) !== (this.#o.mode & 0o755)) chmodSync(dir, this.#o.mode & 0o755);
      const spare = this.#name();
      renameSync(dir, spare);
      for (const sub of this.#o.inside ?? []) await mkdir(join(spare, sub));
      if (this.#closed) return true;
      this.#ready.push(spare);
      return true;
    } catch {
      return false;
    } finally {
      this.#recycling--;
    }
  }

  /** Spares ready now. */
  get ready(): number {
    return this.#ready.length;
  }

  /** Waits for the filling in progress (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#filling) await this.#filling;
  }

  /** Stops filling and removes the spares. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#refill !== undefined) clearTimeout(this.#refill);
    this.#refill = undefined;
    await this.settled();
    this.#ready.length = 0;
    await rm(this.#o.dir, { recursive: true, force: true });
  }

  #name(): string {
    return join(this.#o.dir, `${process.pid}-${++this.#made}`);
  }

  /** Fills the pool, at once or `refillAfterMs` later. */
  #fillSoon(): void {
    const after = this.#o.refillAfterMs ?? 0;
    if (after <= 0) return this.#fill();
    if (this.#refill !== undefined || this.#closed) return;
    this.#refill = setTimeout(() => {
      this.#refill = undefined;
      this.#fill();
    }, after);
    this.#refill.unref();
  }

  #fill(): void {
    if (this.#filling || this.#closed || this.#cleared === undefined) return;
    const cleared = this.#cleared;
    this.#filling = (async () => {
      await cleared;
      while (!this.#closed && this.#ready.length < this.#o.size) {
        const spare = this.#name();
        await mkdir(spare, { mode: this.#o.mode });
        for (const sub of this.#o.inside ?? []) await mkdir(join(spare, sub));
        for (const [name, size] of Object.entries(this.#o.files ?? {}))
          await writeFile(join(spare, name), " ".repeat(size));
        this.#ready.push(spare);
      }
    })()
      .catch(() => {
        // A pool that cannot fill leaves callers to make their directories themselves.
      })
      .finally(() => {
        this.#filling = undefined;
      });
  }
}

/**
 * Writes `text` over a file made with room for it (a spare's), padded with spaces to the
 * room it has, so no block is freed or allocated; longer text extends the file.
 */
export function overwriteInPlace(path: string, text: string, room: number): void {
  const body = Buffer.from(text.length < room ? text + " ".repeat(room - text.length) : text);
  const fd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
  try {
    writeSync(fd, body, 0, body.length, 0);
  } finally {
    closeSync(fd);
  }
}
