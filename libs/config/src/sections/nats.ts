import { z } from "zod";
import { duration } from "../duration.ts";

/** How services reach NATS and how streams, consumers and buckets are provisioned. */
export const NatsConfig = z
  .strictObject({
    /** Server URL(s), comma-separated. `nightshift up` starts its own server when unset. */
    url: z.string().min(1).optional(),
    /** Replicas for streams and buckets: 1 on one machine, 3 in a cluster. */
    replicas: z.number().int().min(1).max(5).default(1),
    /** How long a delivered task may go without `working()` before it is redelivered. */
    ackWait: duration().default(60_000),
    /** Interval of `working()` and lease renewals for running tasks; must be well under ackWait and leaseTtl. */
    heartbeat: duration().default(15_000),
    /** Lifetime of a repository lease without renewal (the `leases` bucket TTL). */
    leaseTtl: duration().default(90_000),
    /** Publish dedupe window of the TASKS stream. */
    dedupeWindow: duration().default(15 * 60_000),
    /** How long finished events stay in the EVENTS stream. */
    eventsMaxAge: duration().default(14 * 86_400_000),
    /** How long dead letters stay in the DLQ stream. */
    dlqMaxAge: duration().default(30 * 86_400_000),
    /** Tasks the TASKS stream may hold before producers are refused (discard new). */
    tasksMaxMsgs: z.number().int().positive().default(100_000),
    /**
     * Ack-pending limit of the executor consumer. Tasks waiting on a delayed nak count
     * against it, so it must exceed the pool's slots by far or delivery stalls silently.
     */
    maxAckPending: z.number().int().positive().default(1000),
  })
  .superRefine((c, ctx) => {
    if (c.heartbeat * 2 > c.ackWait) {
      ctx.addIssue({
        code: "custom",
        path: ["heartbeat"],
        message: "must be at most half of ackWait",
      });
    }
    if (c.heartbeat * 3 > c.leaseTtl) {
      ctx.addIssue({
        code: "custom",
        path: ["heartbeat"],
        message: "must be at most a third of leaseTtl",
      });
    }
  });
export type NatsConfig = z.infer<typeof NatsConfig>;
