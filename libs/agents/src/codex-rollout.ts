import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { TokenCounts } from "./usage-meter.ts";

/** What codex's session log says about a thread: its model and token totals. */
export interface RolloutSummary {
  model?: string;
  totals?: TokenCounts;
  /** Model calls recorded (one `token_count` event each). */
  calls: number;
}

async function* walk(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** The rollout file of `threadId` under `$CODEX_HOME/sessions`, if codex wrote one. */
export async function findRollout(
  codexHome: string,
  threadId: string,
): Promise<string | undefined> {
  for await (const p of walk(join(codexHome, "sessions")))
    if (p.endsWith(`-${threadId}.jsonl`)) return p;
  return undefined;
}

interface TokenUsage {
  input_tokens?: number;
  cached_input_tokens?: number;
  cache_write_input_tokens?: number;
  output_tokens?: number;
  reasoning_output_tokens?: number;
}

/**
 * Codex's usage in nightshift's terms: OpenAI counts cached tokens inside input tokens,
 * nightshift counts input tokens as the uncached ones.
 */
export function codexTokens(u: TokenUsage): TokenCounts {
  const cached = u.cached_input_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (u.input_tokens ?? 0) - cached),
    outputTokens: u.output_tokens ?? 0,
    cacheReadTokens: cached,
    cacheWriteTokens: u.cache_write_input_tokens ?? 0,
  };
}

/** Reads a rollout: the last model named and the last cumulative token count. */
export async function readRollout(path: string): Promise<RolloutSummary> {
  const out: RolloutSummary = { calls: 0 };
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return out;
  }
  for (const line of text.split("\n")) {
    if (!line.includes('"turn_context"') && !line.includes('"token_count"')) continue;
    try {
      const rec = JSON.parse(line) as { type?: string; payload?: Record<string, unknown> };
      const p = rec.payload ?? {};
      if (rec.type === "turn_context" && typeof p["model"] === "string") out.model = p["model"];
      if (p["type"] === "token_count") {
        const info = p["info"] as { total_token_usage?: TokenUsage } | null | undefined;
        if (info?.total_token_usage) {
          out.totals = codexTokens(info.total_token_usage);
          out.calls++;
        }
      }
    } catch {
      // a torn last line of a killed codex
    }
  }
  return out;
}
