import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  linkSync,
  statSync,
  symlinkSync,
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
    // made again a little later
    expect(spares.ready).toBe(1);
    await refilled(spares, 2);

    // a spare removed behind the pool's back is skipped
    for (const name of readdirSync(join(root, ".spares")).slice(0, 1))
      rmSync(join(root, ".spares", name), { recursive: true });
    expect(spares.take(join(root, "task-2"))).toBe(true);
    expect(existsSync(join(root, "task-2", "work"))).toBe(true);

    // a destination that is taken (not empty) is refused, the spare kept
    await refilled(spares, 2);
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

async function refilled(spares: SpareDirs, n: number): Promise<void> {
  for (let i = 0; i < 100 && spares.ready < n; i++) await new Promise((r) => setTimeout(r, 20));
  await spares.settled();
  expect(spares.ready).toBe(n);
}

describe("recycling", () => {
  async function pool(size: number, refillAfterMs = 60_000) {
    const root = mkdtempSync(join(tmpdir(), "ns-recycle-"));
    const spares = new SpareDirs({
      dir: join(root, ".spares"),
      size,
      mode: 0o755,
      inside: ["work"],
      files: { "meta.json": 32 },
      refillAfterMs,
    });
    spares.start();
    await spares.settled();
    return { root, spares };
  }
  const used = (root: string, name: string): string => {
    const dir = join(root, name);
    mkdirSync(join(dir, "work"), { recursive: true });
    writeFileSync(join(dir, "meta.json"), '{"taskId":"old"}');
    return dir;
  };

  it("takes back a folder with an empty work folder and its record, and hands it out again", async () => {
    const { root, spares } = await pool(2);
    const a = join(root, "a");
    expect(spares.take(a)).toBe(true);
    expect(spares.ready).toBe(1);
    const done = used(root, "done");
    chmodSync(done, 0o777); // an agent sharing the executor's uid could have
    expect(await spares.recycle(done)).toBe(true);
    expect(existsSync(join(root, "done"))).toBe(false);
    expect(spares.ready).toBe(2);
    // the pool is full: nothing more is taken back, and no spare is made in the meantime
    expect(await spares.recycle(used(root, "extra"))).toBe(false);
    await new Promise((r) => setTimeout(r, 120));
    expect(readdirSync(join(root, ".spares"))).toHaveLength(2);
    const b = join(root, "b");
    expect(spares.take(b)).toBe(true);
    expect(spares.take(join(root, "c"))).toBe(true);
    for (const d of [b, join(root, "c")]) {
      expect(readdirSync(join(d, "work"))).toEqual([]);
      expect(statSync(d).mode & 0o777).toBe(0o755);
    }
    await spares.close();
  });

  it("makes new ones refillAfterMs after a take when none came back", async () => {
    const { root, spares } = await pool(2, 100);
    expect(spares.take(join(root, "a"))).toBe(true);
    expect(spares.take(join(root, "b"))).toBe(true);
    await new Promise((r) => setTimeout(r, 40));
    expect(spares.ready).toBe(0);
    await refilled(spares, 2);
    await spares.close();
  });

  it("leaves anything else to be removed", async () => {
    const { root, spares } = await pool(8);
    const busy = used(root, "busy");
    writeFileSync(join(busy, "work", "left.txt"), "x");
    expect(await spares.recycle(busy)).toBe(false);
    const extra = used(root, "extra");
    writeFileSync(join(extra, "other"), "x");
    expect(await spares.recycle(extra)).toBe(false);
    const linked = used(root, "linked");
    rmSync(join(linked, "meta.json"));
    symlinkSync("/etc/passwd", join(linked, "meta.json"));
    expect(await spares.recycle(linked)).toBe(false);
    const hard = used(root, "hard");
    linkSync(join(hard, "meta.json"), join(root, "elsewhere"));
    expect(await spares.recycle(hard)).toBe(false);
    expect(await spares.recycle(join(root, "missing"))).toBe(false);
    await spares.close();
    expect(await spares.recycle(used(root, "after-close"))).toBe(false);
  });
});
