import type { z } from "zod";
import { TaskCard } from "./task-card.ts";
import { TaskLoop } from "./task.ts";

/** The info string of the fenced block that carries a task card in an issue or a mail. */
export const CARD_BLOCK = "nightshift-card";

/** What the block holds: a task card, and `loop` to run the task as a review loop. */
export const CardBlock = TaskCard.extend({ loop: TaskLoop.optional() });
export type CardBlock = z.infer<typeof CardBlock>;

export interface CardFromText {
  card?: TaskCard;
  loop?: TaskLoop;
  /** The block was there but is not a valid card: the task runs without one. */
  problem?: string;
}

const FENCE = new RegExp(
  String.raw`^(\x60{3,}|~{3,})[ \t]*${CARD_BLOCK}[ \t]*\r?\n([\s\S]*?)\r?\n\1[ \t]*$`,
  "m",
);

/**
 * The task card in a free-text request (a GitHub or Linear issue's body, an email): the
 * first fenced block marked `nightshift-card`, holding JSON, e.g.
 *
 *     ```nightshift-card
 *     {"goal": "…", "acceptance": ["…"], "loop": {"maxRounds": 3}}
 *     ```
 */
export function cardFromText(text: string | undefined): CardFromText {
  const m = text === undefined ? null : FENCE.exec(text);
  if (!m) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(m[2] ?? "");
  } catch (err) {
    return { problem: `the ${CARD_BLOCK} block is not JSON: ${(err as Error).message}` };
  }
  const parsed = CardBlock.safeParse(raw);
  if (!parsed.success)
    return {
      problem: `the ${CARD_BLOCK} block is not a valid card: ${parsed.error.issues
        .map((i) => `${i.path.join(".") || "(card)"}: ${i.message}`)
        .join("; ")}`,
    };
  const { loop, ...card } = parsed.data;
  return { card, ...(loop ? { loop } : {}) };
}

/**
 * The task fields a request's card block gives. A block that is not a valid card is not
 * dropped in silence: the task runs without a card, and its prompt (which the agent,
 * `status` and every notification show) ends with why the block was not used.
 */
export function cardFields(
  text: string | undefined,
  prompt: string,
): { prompt: string; card?: TaskCard; loop?: TaskLoop } {
  const { card, loop, problem } = cardFromText(text);
  return {
    prompt:
      problem === undefined
        ? prompt
        : `${prompt}\n\n(nightshift: ${problem}. The task runs without a card, as one run.)`,
    ...(card ? { card } : {}),
    ...(loop ? { loop } : {}),
  };
}
