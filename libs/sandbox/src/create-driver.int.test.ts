import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSandboxDriver, type SandboxSettings } from "./create-driver.ts";

const PATH = process.env["PATH"] ?? "/usr/bin:/bin";
const base: SandboxSettings = {
  driver: "auto",
  user: { uid: 10_300, gid: 10_300 },
  limits: {},
  readOnly: [],
};

function dirs() {
  return {
    taskId: "t",
    workspace: mkdtempSync(join(tmpdir(), "ns-drv-ws-")),
    home: mkdtempSync(join(tmpdir(), "ns-drv-home-")),
  };
}

describe("choosing and configuring a sandbox driver", () => {
  it("auto takes bwrap where it works and none where it is missing", async () => {
    const here = await createSandboxDriver(base, { slots: 1, pathEnv: PATH });
    expect(here.name).toBe("bwrap");
    const without = await createSandboxDriver(base, { slots: 1, pathEnv: "/nonexistent" });
    expect(without.name).toBe("none");
    await expect(
      createSandboxDriver({ ...base, driver: "bwrap" }, { slots: 1, pathEnv: "/nonexistent" }),
    ).rejects.toThrow(/bwrap is not installed/);
  });

  it("refuses settings it cannot honour", async () => {
    await expect(
      createSandboxDriver(
        { ...base, limits: { processes: 100 } },
        { slots: 1, pathEnv: PATH, root: false },
      ),
    ).rejects.toThrow(/processes needs the executor to run as root/);
    await expect(
      createSandboxDriver(
        { ...base, driver: "none", egress: { allow: ["x"], strict: true } },
        { slots: 1, pathEnv: PATH },
      ),
    ).rejects.toThrow(/strict needs the bwrap driver/);
  });

  it("none: switches to the task's uid and applies limits, without a filesystem view", async () => {
    const driver = await createSandboxDriver(
      { ...base, driver: "none", limits: { fileSize: 4096 } },
      { slots: 1, pathEnv: PATH },
    );
    expect(driver.name).toBe("none");
    const d = dirs();
    writeFileSync(join(d.workspace, "seed.txt"), "seed");
    const box = await driver.open(d);
    expect(statSync(join(d.workspace, "seed.txt")).uid).toBe(10_300);
    const proc = box.spawn({
      argv: ["sh", "-c", "id -u; head -c 10000 /dev/zero > big; echo rc=$?"],
      cwd: d.workspace,
      env: { PATH },
    });
    let out = "";
    proc.stdout.on("data", (b: Buffer) => (out += b.toString()));
    await proc.exited;
    expect(out).toMatch(/^10300\nrc=153\n$/);
    expect(statSync(join(d.workspace, "big")).size).toBe(4096);
    await box.close();
    expect(statSync(join(d.workspace, "big")).uid).toBe(process.getuid!());
    await driver.close();
  });
});
