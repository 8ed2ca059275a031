import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { overwriteInPlace, SpareDirs } from "./spare-dirs.ts";

describe("spare directories", () => {
  it("renames a ready spare into place and makes the next one", async () => {
    const root = mkdtempSync(join(tmpdir(), "ns-spares-"));
    // a spare a previous process left is not handed out
    mkdirSync(join(root, ".spares", "left-over"), { recursive: true });
    const spares = new SpareDirs({
      dir: join(root, ".spares"),
      size: 2,
      mode: 0o700,
      inside: ["work"],
      files: { "meta.json": 64 },
    });
    expect(spares.take(join(root, "none-yet"))).toBe(false);
    spares.start();
    await spares.settled();
    expect(spares.ready).toBe(2);
    expect(readdirSync(join(root, ".spares"))).not.toContain("left-over");

    const dest = join(root, "task-1");
    expect(spares.take(dest)).toBe(true);
    expect(statSync(dest).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dest, "work"))).toEqual([]);
    expect(readFileSync(join(dest, "meta.json"), "utf8")).toBe(" ".repeat(64));
    await spares.settled();
    expect(spares.ready).toBe(2);

    // a spare removed behind the pool's back is skipped
    for (const name of readdirSync(join(root, ".spares")).slice(0, 1))
      rmSync(join(root, ".spares", name), { recursive: true });
    expect(spares.take(join(root, "task-2"))).toBe(true);
    expect(existsSync(join(root, "task-2", "work"))).toBe(true);

    // a destination that is taken (not empty) is refused, the spare kept
    await spares.settled();
    mkdirSync(join(root, "taken", "x"), { recursive: true });
    expect(spares.take(join(root, "taken"))).toBe(false);
    expect(spares.ready).toBe(2);

    await spares.close();
    expect(existsSync(join(root, ".spares"))).toBe(false);
    expect(spares.take(join(root, "after-close"))).toBe(false);
  });

  it("overwrites a file in its room, padding with spaces", () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-room-"));
    const file = join(dir, "meta.json");
    writeFileSync(file, " ".repeat(16));
    overwriteInPlace(file, '{"a":1}\n', 16);
    expect(readFileSync(file, "utf8")).toBe('{"a":1}\n' + " ".repeat(8));
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ a: 1 });
    // longer text than the room: written whole
    const long = `{"b":"${"y".repeat(30)}"}`;
    overwriteInPlace(file, long, 16);
    expect(readFileSync(file, "utf8")).toBe(long);
    expect(() => overwriteInPlace(join(dir, "missing"), "x", 8)).toThrow(/ENOENT/);
  });
});
