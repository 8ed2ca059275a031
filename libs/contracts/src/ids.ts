import { createHash, randomBytes } from "node:crypto";

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += CROCKFORD[(value << (5 - bits)) & 31];
  return out;
}

/** Task ids are subject-safe tokens: lowercase letters, digits and `-`. */
export const TASK_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/;

/** A new random task id, sortable by creation time (10 chars of time, 16 of randomness). */
export function newTaskId(now: number = Date.now()): string {
  const time = Buffer.alloc(6);
  time.writeUIntBE(now, 0, 6);
  return `${base32(time).slice(0, 10)}${base32(randomBytes(10))}`;
}

/**
 * A task id derived from a source's own identity (`gh:owner/repo#12:comment-99`,
 * `sched:nightly:2026-11-21T02:00Z`), so the same trigger always yields the same task.
 */
export function deterministicTaskId(prefix: string, key: string): string {
  const slug =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "t";
  const hash = createHash("sha256").update(key).digest();
  return `${slug.slice(0, 20)}-${base32(hash).slice(0, 20)}`;
}

/**
 * A subject-safe key for a repository: a readable slug plus a short hash of the
 * normalised location, so `git@host:a/b.git` and `https://host/a/b` stay distinct
 * only when they are distinct repositories.
 */
export function repoKey(location: string): string {
  const normalised = location
    .trim()
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  const parts = normalised.split(/[/:]/).filter(Boolean);
  const tail = parts.slice(-2).join("-");
  const slug =
    tail
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "repo";
  const hash = createHash("sha256").update(normalised).digest("hex").slice(0, 8);
  return `${slug.slice(0, 40)}_${hash}`;
}
