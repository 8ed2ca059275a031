import type { Usage } from "@nightshift/contracts";

/** US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite?: number | undefined;
  cacheRead?: number | undefined;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

const anthropic = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cacheWrite: input * 1.25,
  cacheRead: input / 10,
});
const openai = (input: number, output: number, cachedInput: number): ModelPrice => ({
  input,
  output,
  cacheWrite: input,
  cacheRead: cachedInput,
});

/**
 * List prices (USD per million tokens) of current models, by id prefix. Configuration
 * (`prices:`) adds entries and replaces these by key.
 */
export const DEFAULT_PRICES: PriceTable = {
  // Opus 4.5 and later; 4.0 and 4.1 cost three times as much.
  "claude-opus-4": anthropic(5, 25),
  "claude-opus-4-0": anthropic(15, 75),
  "claude-opus-4-2025": anthropic(15, 75),
  "claude-opus-4-1": anthropic(15, 75),
  "claude-sonnet-4": anthropic(3, 15),
  "claude-3-7-sonnet": anthropic(3, 15),
  "claude-haiku-4": anthropic(1, 5),
  "claude-3-5-haiku": anthropic(0.8, 4),
  "gpt-5": openai(1.25, 10, 0.125),
  "gpt-5-mini": openai(0.25, 2, 0.025),
  "gpt-5-nano": openai(0.05, 0.4, 0.005),
  "gpt-5.1-codex-mini": openai(0.25, 2, 0.025),
  "codex-mini": openai(1.5, 6, 0.375),
  "gpt-4.1": openai(2, 8, 0.5),
  o3: openai(2, 8, 0.5),
  "o3-mini": openai(1.1, 4.4, 0.55),
  "o4-mini": openai(1.1, 4.4, 0.275),
};

/** The price of `model`: an exact key, else the longest key that prefixes it. */
export function priceFor(table: PriceTable, model: string | undefined): ModelPrice | undefined {
  if (model === undefined) return undefined;
  const exact = table[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(table))
    if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  return best === undefined ? undefined : table[best];
}

/** Cost in USD of `usage` at `price`; input tokens are the uncached ones. */
export function costOf(usage: Omit<Usage, "costUsd" | "turns">, price: ModelPrice): number {
  const usd =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    usage.cacheWriteTokens * (price.cacheWrite ?? price.input) +
    usage.cacheReadTokens * (price.cacheRead ?? price.input);
  return Number((usd / 1e6).toFixed(8));
}
