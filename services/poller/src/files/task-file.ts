import { createHash, randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import { z } from "zod";
import { TaskCard } from "@nightshift/contracts";

/** Fields nightshift writes back; they are not part of what the card asks. */
const WRITTEN = ["status", "task", "result", "updated"];

export const CardFields = z.looseObject({
  title: z.string().min(1).optional(),
  /** JSON cards: the request. Markdown cards: the body after the front matter. */
  prompt: z.string().min(1).optional(),
  repo: z.string().min(1).optional(),
  base: z.string().min(1).optional(),
  backend: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  card: TaskCard.optional(),
  status: z.string().optional(),
  task: z.string().optional(),
});
export type CardFields = z.infer<typeof CardFields>;

export interface TaskFile {
  format: "markdown" | "json";
  fields: CardFields;
  /** The request: the Markdown body, or `prompt` of a JSON card. */
  prompt: string;
  /** Hash of what the card asks (written-back fields excluded). */
  hash: string;
}

const FRONT = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

function hashOf(fields: Record<string, unknown>, prompt: string): string {
  const asked = Object.fromEntries(
    Object.entries(fields)
      .filter(([k]) => !WRITTEN.includes(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return createHash("sha256")
    .update(JSON.stringify(asked))
    .update("\n")
    .update(prompt)
    .digest("hex")
    .slice(0, 16);
}

/** Parses a card; undefined with a reason when it is not a valid card. */
export function parseTaskFile(name: string, text: string): TaskFile | { invalid: string } {
  let raw: unknown;
  let body = "";
  const format = name.endsWith(".json") ? "json" : "markdown";
  try {
    if (format === "json") raw = JSON.parse(text);
    else {
      const m = FRONT.exec(text);
      raw = m ? (parseDocument(m[1] ?? "").toJS() ?? {}) : {};
      body = (m ? (m[2] ?? "") : text).trim();
    }
  } catch (err) {
    return {
      invalid: `not ${format === "json" ? "JSON" : "YAML front matter"}: ${(err as Error).message}`,
    };
  }
  const parsed = CardFields.safeParse(raw);
  if (!parsed.success)
    return {
      invalid: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    };
  const prompt = format === "json" ? (parsed.data.prompt ?? "") : body;
  if (prompt.trim() === "")
    return { invalid: format === "json" ? "no prompt" : "no text after the front matter" };
  return { format, fields: parsed.data, prompt, hash: hashOf(parsed.data, prompt) };
}

/**
 * Sets written-back fields in a card (undefined removes one), keeping everything else (the body, other keys and,
 * for Markdown, the front matter's comments), and replaces the file atomically.
 */
export async function writeBack(path: string, values: Record<string, unknown>): Promise<void> {
  const text = await readFile(path, "utf8");
  let out: string;
  if (path.endsWith(".json")) {
    const obj = JSON.parse(text) as Record<string, unknown>;
    const next: Record<string, unknown> = { ...obj, ...values };
    for (const [k, v] of Object.entries(values)) if (v === undefined) delete next[k];
    out = `${JSON.stringify(next, null, 2)}\n`;
  } else {
    const m = FRONT.exec(text);
    const doc = parseDocument(m ? (m[1] ?? "") : "");
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) doc.delete(k);
      else doc.set(k, v);
    }
    out = `---\n${doc.toString().trimEnd()}\n---\n${m ? (m[2] ?? "") : text}`;
  }
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, out);
  await rename(tmp, path);
}

export async function readTaskFile(
  path: string,
): Promise<TaskFile | { invalid: string } | undefined> {
  try {
    return parseTaskFile(path, await readFile(path, "utf8"));
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return undefined;
    throw err;
  }
}

/** The trigger key of a card as it is now: its name, what it asks, and its last run. */
export function cardKey(name: string, f: TaskFile): string {
  return `file:${name}:${f.hash}:${f.fields.task ?? "first"}`;
}
