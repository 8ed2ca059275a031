import { z } from "zod";

/**
 * The structural rules of Slack's Block Kit for the blocks nightshift sends, from Slack's
 * reference: text objects, header, section, divider, context, actions with URL buttons, and
 * the message limits. A payload that breaks one of these is refused by Slack
 * (`invalid_blocks`), so tests hold every message we build to them.
 */
const plainText = (max: number) =>
  z.strictObject({
    type: z.literal("plain_text"),
    text: z.string().min(1).max(max),
    emoji: z.boolean().optional(),
  });
const mrkdwnText = (max: number) =>
  z.strictObject({
    type: z.literal("mrkdwn"),
    text: z.string().min(1).max(max),
    verbatim: z.boolean().optional(),
  });
const textObject = (max: number) => z.discriminatedUnion("type", [plainText(max), mrkdwnText(max)]);
const blockId = z.string().min(1).max(255).optional();

const Button = z.strictObject({
  type: z.literal("button"),
  text: plainText(75),
  action_id: z.string().min(1).max(255).optional(),
  url: z.url().max(3000).optional(),
  value: z.string().max(2000).optional(),
  style: z.enum(["primary", "danger"]).optional(),
});

const Header = z.strictObject({
  type: z.literal("header"),
  text: plainText(150),
  block_id: blockId,
});
const Section = z
  .strictObject({
    type: z.literal("section"),
    text: textObject(3000).optional(),
    fields: z.array(textObject(2000)).min(1).max(10).optional(),
    accessory: Button.optional(),
    block_id: blockId,
  })
  .refine((s) => s.text !== undefined || s.fields !== undefined, "a section needs text or fields");
const Divider = z.strictObject({ type: z.literal("divider"), block_id: blockId });
const Context = z.strictObject({
  type: z.literal("context"),
  elements: z
    .array(
      z.union([
        textObject(3000),
        z.strictObject({
          type: z.literal("image"),
          image_url: z.url(),
          alt_text: z.string().min(1),
        }),
      ]),
    )
    .min(1)
    .max(10),
  block_id: blockId,
});
const Actions = z
  .strictObject({
    type: z.literal("actions"),
    elements: z.array(Button).min(1).max(25),
    block_id: blockId,
  })
  .refine((a) => {
    const ids = a.elements.flatMap((e) => (e.action_id === undefined ? [] : [e.action_id]));
    return new Set(ids).size === ids.length;
  }, "action_id must be unique within the block");

const Block = z.union([Header, Section, Divider, Context, Actions]);

export const SlackWebhookPayload = z
  .strictObject({ text: z.string().min(1), blocks: z.array(Block).min(1).max(50) })
  .refine((m) => {
    const ids = m.blocks.flatMap((b) => (b.block_id === undefined ? [] : [b.block_id]));
    return new Set(ids).size === ids.length;
  }, "block_id must be unique within the message");

/** Problems with a payload as Slack would see them; empty when valid. */
export function blockKitProblems(payload: unknown): string[] {
  const r = SlackWebhookPayload.safeParse(payload);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}
