import { z } from "zod";

/**
 * Work a source found but will not hand to an agent (a RED item: a failing check the rules
 * say needs a human, a review asking for a design change): published on
 * `events.escalation.<key>` for the notifier to tell people. `Nats-Msg-Id` is `esc:<id>`.
 */
export const Escalation = z.strictObject({
  v: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/),
  at: z.iso.datetime(),
  source: z.enum(["github", "linear", "email", "file", "schedule"]),
  /** The rule that classified the item. */
  rule: z.string().min(1),
  title: z.string().min(1),
  reason: z.string().min(1),
  url: z.string().optional(),
  repo: z.string().optional(),
  attributes: z.record(z.string(), z.string()).default({}),
});
export type Escalation = z.infer<typeof Escalation>;
