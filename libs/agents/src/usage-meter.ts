import { EMPTY_USAGE, type TaskEventBody, type Usage } from "@nightshift/contracts";
import { costOf, priceFor, type PriceTable } from "./prices.ts";

export type TokenCounts = Omit<Usage, "costUsd" | "turns">;

/**
 * Counts turns and tokens of one run and prices them. Every change is published as a
 * cumulative `usage` event; a model without a price is said once, then costs 0.
 */
export class UsageMeter {
  #usage: Usage = { ...EMPTY_USAGE };
  #model: string | undefined;
  #warned = false;
  readonly #prices: PriceTable;
  readonly #emit: (e: TaskEventBody) => void;

  constructor(prices: PriceTable, model: string | undefined, emit: (e: TaskEventBody) => void) {
    this.#prices = prices;
    this.#model = model;
    this.#emit = emit;
  }

  get model(): string | undefined {
    return this.#model;
  }

  /** The model actually answering (CLIs report it in their first event). */
  setModel(model: string): void {
    this.#model = model;
  }

  get turns(): number {
    return this.#usage.turns;
  }

  /** Adds one model call's tokens; `turn` counts it as a turn. */
  add(tokens: Partial<TokenCounts>, turn: boolean): void {
    const u = this.#usage;
    this.#set({
      turns: u.turns + (turn ? 1 : 0),
      inputTokens: u.inputTokens + (tokens.inputTokens ?? 0),
      outputTokens: u.outputTokens + (tokens.outputTokens ?? 0),
      cacheReadTokens: u.cacheReadTokens + (tokens.cacheReadTokens ?? 0),
      cacheWriteTokens: u.cacheWriteTokens + (tokens.cacheWriteTokens ?? 0),
    });
  }

  /** Replaces the token totals (backends that report cumulative usage). */
  setTotals(tokens: TokenCounts, turns = this.#usage.turns): void {
    this.#set({ turns, ...tokens });
  }

  /** Counts a turn without tokens (the backend reports tokens later, or never). */
  turn(): void {
    this.add({}, true);
  }

  snapshot(): Usage {
    return { ...this.#usage };
  }

  #set(next: Omit<Usage, "costUsd">): void {
    const price = priceFor(this.#prices, this.#model);
    if (!price && !this.#warned && this.#model !== undefined) {
      this.#warned = true;
      this.#emit({
        type: "log",
        level: "warn",
        message: `no price configured for model ${this.#model}; its cost counts as 0 (add it under prices:)`,
      });
    }
    const costUsd = price ? costOf(next, price) : 0;
    const u = this.#usage;
    const changed =
      next.turns !== u.turns ||
      next.inputTokens !== u.inputTokens ||
      next.outputTokens !== u.outputTokens ||
      next.cacheReadTokens !== u.cacheReadTokens ||
      next.cacheWriteTokens !== u.cacheWriteTokens;
    this.#usage = { ...next, costUsd };
    if (changed) this.#emit({ type: "usage", usage: this.snapshot() });
  }
}
