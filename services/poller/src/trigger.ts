import { z } from "zod";

/** What a source does once, when an item is left alone after its last attempt. */
export const GiveUpHook = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("github"), repo: z.string(), number: z.number().int() }),
  z.strictObject({ kind: z.literal("none") }),
]);
export type GiveUpHook = z.infer<typeof GiveUpHook>;

/**
 * Something a source found that asks for work. Serialisable, because a trigger that
 * arrives during its item's cooldown is stored and published when the cooldown ends.
 */
export const Trigger = z.strictObject({
  /** Unique per item and event: `gh:acme/web#12:labeled-987`. The task id derives from it. */
  key: z.string().min(1),
  /** The item (see `ItemKeys`); cooldown and the attempt cap are per item. */
  item: z.string().min(1),
  /** A person asked (label, assignment, mention, review): a new request resets the cap. */
  human: z.boolean(),
  /** The task to publish, complete with its deterministic id. */
  task: z.record(z.string(), z.unknown()),
  giveUp: GiveUpHook.default({ kind: "none" }),
  /**
   * Triggers of one group supersede each other while waiting out a cooldown (a newer
   * failing-checks trigger replaces an older one); triggers without a group all wait.
   */
  group: z.string().optional(),
});
export type Trigger = z.infer<typeof Trigger>;
