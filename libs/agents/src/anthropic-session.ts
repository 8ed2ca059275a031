import { randomUUID } from "node:crypto";
import { lchown, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { MessageParam } from "./anthropic-client.ts";

const SessionFile = z.object({
  id: z.string(),
  model: z.string(),
  messages: z.array(z.looseObject({ role: z.enum(["user", "assistant"]), content: z.unknown() })),
});

/**
 * The conversation of an `anthropic` backend run, saved in the agent's private home after
 * every turn, so a later attempt of the task continues it (`resume`).
 */
export class AnthropicSession {
  readonly id: string;
  messages: MessageParam[];
  readonly #home: string;
  readonly #owner: { uid: number; gid: number } | undefined;

  private constructor(
    home: string,
    id: string,
    messages: MessageParam[],
    owner?: { uid: number; gid: number },
  ) {
    this.id = id;
    this.messages = messages;
    this.#home = home;
    this.#owner = owner;
  }

  static dir(home: string): string {
    return join(home, ".nightshift", "anthropic-sessions");
  }

  static fresh(home: string, owner?: { uid: number; gid: number }): AnthropicSession {
    return new AnthropicSession(home, randomUUID(), [], owner);
  }

  /** The saved session `id`; undefined when there is none (another executor, a fresh home). */
  static async load(
    home: string,
    id: string,
    owner?: { uid: number; gid: number },
  ): Promise<AnthropicSession | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    const dir = AnthropicSession.dir(home);
    try {
      const parsed = SessionFile.parse(JSON.parse(await readFile(join(dir, `${id}.json`), "utf8")));
      return new AnthropicSession(home, id, parsed.messages as MessageParam[], owner);
    } catch {
      return undefined;
    }
  }

  async save(model: string): Promise<void> {
    const dir = AnthropicSession.dir(this.#home);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${this.id}.json`);
    const tmp = `${file}.tmp`;
    await writeFile(tmp, JSON.stringify({ id: this.id, model, messages: this.messages }));
    await rename(tmp, file);
    if (this.#owner)
      for (const p of [join(this.#home, ".nightshift"), dir, file])
        await lchown(p, this.#owner.uid, this.#owner.gid);
  }
}
