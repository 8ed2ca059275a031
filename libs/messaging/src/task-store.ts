import { hash } from "node:crypto";
import type { KV } from "@nats-io/kv";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/nats-core";
import {
  canTransition,
  EMPTY_USAGE,
  MAX_TRANSITIONS,
  TASK_RECORD_VERSION,
  TaskHeaders,
  TaskRecord,
  type Task,
  type TaskState,
  type WaitReason,
} from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";
import { isWrongLastSequence } from "./lease.ts";

export interface StoredRecord {
  record: TaskRecord;
  revision: number;
}

export interface TransitionOptions {
  reason?: string | undefined;
  detail?: string | undefined;
  waitReason?: WaitReason | undefined;
  waitUntil?: string | undefined;
  redrive?: boolean;
  /** Further changes applied in the same CAS write. */
  patch?: (record: TaskRecord) => void;
}

/** A new record for a task that has just been accepted. */
export function newRecord(task: Task, now = new Date()): TaskRecord {
  const at = now.toISOString();
  return {
    v: TASK_RECORD_VERSION,
    id: task.id,
    task,
    state: "queued",
    attempts: 0,
    createdAt: at,
    updatedAt: at,
    usage: { ...EMPTY_USAGE },
    transitions: [{ state: "queued", at, attempt: 0 }],
  };
}

function digest(json: string): string {
  // one-shot: no Hash object on the dispatch path
  return hash("sha256", json, "base64url");
}

/** The headers that tell the executor which record was created with a task message. */
export function recordHeaders(record: TaskRecord, revision: number): MsgHdrs {
  const h = natsHeaders();
  h.set(TaskHeaders.recordRevision, String(revision));
  h.set(TaskHeaders.recordCreatedAt, record.createdAt);
  h.set(TaskHeaders.recordDigest, digest(JSON.stringify(record)));
  return h;
}

/**
 * The record a producer created with this task message, rebuilt from the task and the
 * message's headers: only when the rebuilt record is byte for byte the one stored (its
 * digest matches). It is a guess: the record may have changed since (its revision tells).
 */
export function recordFromHeaders(task: Task, h: MsgHdrs | undefined): StoredRecord | undefined {
  const revision = Number(h?.get(TaskHeaders.recordRevision) ?? "");
  const createdAt = h?.get(TaskHeaders.recordCreatedAt) ?? "";
  const expected = h?.get(TaskHeaders.recordDigest) ?? "";
  if (!Number.isSafeInteger(revision) || revision <= 0 || createdAt === "" || expected === "")
    return undefined;
  const at = new Date(createdAt);
  if (Number.isNaN(at.getTime())) return undefined;
  const record = newRecord(task, at);
  return digest(JSON.stringify(record)) === expected ? { record, revision } : undefined;
}

/**
 * A deep copy of a record. A record is JSON (the bucket stores it so): a JSON round trip
 * copies it in a fraction of structuredClone's time.
 */
export function copyRecord(record: TaskRecord): TaskRecord {
  return JSON.parse(JSON.stringify(record)) as TaskRecord;
}

/** Applies a state change to a record in memory, checking the state machine. */
export function applyTransition(
  record: TaskRecord,
  to: TaskState,
  opts: TransitionOptions = {},
  now = new Date(),
): TaskRecord {
  if (!canTransition(record.state, to, opts.redrive === true ? { redrive: true } : undefined)) {
    throw new NightshiftError(
      "CONFLICT",
      `task ${record.id}: cannot go from ${record.state} to ${to}`,
    );
  }
  const at = now.toISOString();
  const next = copyRecord(record);
  next.state = to;
  next.updatedAt = at;
  delete next.reason;
  delete next.detail;
  delete next.waitReason;
  delete next.waitUntil;
  if (opts.reason !== undefined) next.reason = opts.reason;
  if (opts.detail !== undefined) next.detail = opts.detail;
  if (to === "waiting") {
    if (opts.waitReason !== undefined) next.waitReason = opts.waitReason;
    if (opts.waitUntil !== undefined) next.waitUntil = opts.waitUntil;
  }
  if (to === "running" && next.startedAt === undefined) next.startedAt = at;
  if (["succeeded", "failed", "blocked", "cancelled"].includes(to)) next.finishedAt = at;
  if (opts.redrive === true) delete next.finishedAt;
  opts.patch?.(next);
  next.transitions.push({
    state: to,
    at,
    attempt: next.attempts,
    ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
  });
  if (next.transitions.length > MAX_TRANSITIONS)
    next.transitions.splice(0, next.transitions.length - MAX_TRANSITIONS);
  return next;
}

/** Task records in the `tasks` bucket, changed only by compare-and-set. */
export class TaskStore {
  readonly kv: KV;
  constructor(kv: KV) {
    this.kv = kv;
  }

  async get(id: string): Promise<StoredRecord | undefined> {
    const e = await this.kv.get(id);
    if (!e || e.operation !== "PUT") return undefined;
    const parsed = TaskRecord.safeParse(e.json());
    if (!parsed.success) {
      throw new NightshiftError(
        "INVALID_PAYLOAD",
        `task record ${id} is invalid: ${parsed.error.message}`,
      );
    }
    return { record: parsed.data, revision: e.revision };
  }

  /** Creates the record; resolves undefined when one already exists (idempotent submit). */
  async create(record: TaskRecord): Promise<number | undefined> {
    try {
      return await this.kv.create(record.id, JSON.stringify(record));
    } catch (err) {
      if (isWrongLastSequence(err)) return undefined;
      throw err;
    }
  }

  /**
   * Read-modify-write with CAS, retried on conflicts. `mutate` returns the new record,
   * or undefined to leave it unchanged. It may throw to refuse the change. `known` is a
   * recent read of the record to try first.
   */
  async update(
    id: string,
    mutate: (current: TaskRecord) => TaskRecord | undefined,
    known?: StoredRecord,
  ): Promise<StoredRecord | undefined> {
    let guess = known;
    for (let i = 0; i < 20; i++) {
      // A caller that just read or wrote the record passes it in: one round trip instead
      // of two when nobody else changed it meanwhile; the CAS catches it when they did.
      const current = guess ?? (await this.get(id));
      guess = undefined;
      if (!current) return undefined;
      const out = await this.updateOnce(current, mutate);
      if (out !== "conflict") return out;
    }
    throw new NightshiftError("CONFLICT", `task ${id}: too many concurrent updates`);
  }

  /**
   * One compare-and-set on `known`'s revision, no retry: the new record, `known` itself when
   * `mutate` leaves it unchanged, or `"conflict"` when the record is no longer `known`.
   */
  async updateOnce(
    known: StoredRecord,
    mutate: (current: TaskRecord) => TaskRecord | undefined,
  ): Promise<StoredRecord | "conflict"> {
    const next = mutate(known.record);
    if (next === undefined) return known;
    try {
      const revision = await this.kv.update(known.record.id, JSON.stringify(next), known.revision);
      return { record: next, revision };
    } catch (err) {
      if (isWrongLastSequence(err)) return "conflict";
      throw err;
    }
  }

  /** CAS transition through the state machine. */
  transition(
    id: string,
    to: TaskState,
    opts: TransitionOptions = {},
  ): Promise<StoredRecord | undefined> {
    return this.update(id, (r) => applyTransition(r, to, opts));
  }

  /** All task ids (for `status` and listings). */
  async ids(): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.kv.keys()) out.push(k);
    return out;
  }
}
