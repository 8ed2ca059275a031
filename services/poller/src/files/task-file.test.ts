import { describe, expect, it } from "vitest";
import { FileSource } from "@nightshift/config";
import { Task } from "@nightshift/contracts";
import { cardTask } from "./folder-watcher.ts";
import { parseTaskFile, type TaskFile } from "./task-file.ts";

function parsed(name: string, text: string): TaskFile {
  const f = parseTaskFile(name, text);
  if ("invalid" in f) throw new Error(f.invalid);
  return f;
}

const src = FileSource.parse({ dir: "/srv/cards", repo: "/srv/app" });

describe("task files", () => {
  it("a Markdown card with a task card and loop settings becomes a review-loop task", () => {
    const f = parsed(
      "greet.md",
      [
        "---",
        "title: Greet",
        "card:",
        "  goal: Greet the world",
        "  acceptance: [hello.txt says hello world]",
        "loop:",
        "  maxRounds: 2",
        "  reviewer: { backend: critic }",
        "---",
        "Write hello.txt.",
      ].join("\n"),
    );
    const t = Task.parse(cardTask("file-1234567890", "k", "/srv/cards/greet.md", f, src, {}));
    expect(t.card?.acceptance).toEqual(["hello.txt says hello world"]);
    expect(t.loop).toEqual({ maxRounds: 2, reviewer: { backend: "critic" } });
    expect(t.prompt).toBe("Write hello.txt.");
  });

  it("a JSON card without loop is a single run; a bad loop makes the card invalid", () => {
    const f = parsed("a.json", JSON.stringify({ prompt: "Say hello", card: { goal: "hello" } }));
    expect(Task.parse(cardTask("file-1234567891", "k", "/srv/cards/a.json", f, src, {})).loop).toBe(
      undefined,
    );
    const bad = parseTaskFile("b.json", JSON.stringify({ prompt: "x", loop: { maxRounds: 0 } }));
    expect(bad).toEqual({ invalid: expect.stringMatching(/^loop\.maxRounds: /) as string });
  });
});
