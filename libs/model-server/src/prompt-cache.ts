import { createHash } from "node:crypto";

/** A rough token count: four characters per token, as the APIs' own rule of thumb. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** One cacheable piece of a prompt (a tool, a system block, a content block, an input item). */
export interface Segment {
  text: string;
  /** A cache breakpoint (`cache_control`) ends after this segment. */
  breakpoint: boolean;
}

export interface CacheOutcome {
  totalTokens: number;
  readTokens: number;
  writeTokens: number;
}

/**
 * Prompt caching as the APIs do it: a prefix up to a breakpoint is written once and read
 * on later requests that start with the same prefix. Prefixes shorter than `minTokens`
 * are not cached (the Messages API's minimum is 1024 tokens for most models).
 */
export class PromptCache {
  readonly #seen = new Set<string>();
  readonly #minTokens: number;

  constructor(minTokens: number) {
    this.#minTokens = minTokens;
  }

  /** Looks up and stores the prompt's breakpoints; `auto` treats every segment end as one. */
  apply(segments: Segment[], auto = false): CacheOutcome {
    const hash = createHash("sha256");
    let tokens = 0;
    const points: { key: string; tokens: number }[] = [];
    for (const s of segments) {
      hash.update(s.text);
      hash.update("\u0000");
      tokens += estimateTokens(s.text);
      if ((auto || s.breakpoint) && tokens >= this.#minTokens)
        points.push({ key: hash.copy().digest("hex"), tokens });
    }
    let readTokens = 0;
    for (const p of points) if (this.#seen.has(p.key)) readTokens = Math.max(readTokens, p.tokens);
    const last = points.at(-1);
    const writeTokens = auto || !last || this.#seen.has(last.key) ? 0 : last.tokens - readTokens;
    for (const p of points) this.#seen.add(p.key);
    return { totalTokens: tokens, readTokens, writeTokens };
  }
}
