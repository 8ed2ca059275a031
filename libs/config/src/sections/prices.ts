import { z } from "zod";

/** US dollars per million tokens. */
export const ModelPrice = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  /** Writing the prompt cache (Anthropic: 1.25 × input for 5-minute entries). */
  cacheWrite: z.number().nonnegative().optional(),
  /** Reading the prompt cache (Anthropic: 0.1 × input; OpenAI: cached input). */
  cacheRead: z.number().nonnegative().optional(),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

/**
 * Prices by model id or id prefix; the longest matching key wins
 * (`claude-sonnet-4` prices `claude-sonnet-4-6`). Entries here are added to the
 * built-in table and replace its entries of the same key.
 */
export const PricesConfig = z.record(z.string().min(1), ModelPrice);
export type PricesConfig = z.infer<typeof PricesConfig>;
