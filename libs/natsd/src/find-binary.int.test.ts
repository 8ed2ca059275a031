import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findNatsServer } from "./find-binary.ts";
import { startNatsServer } from "./server.ts";

function fakeServer(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ns-fake-nats-"));
  const file = join(dir, "nats-server");
  writeFileSync(file, `#!/bin/sh\necho "nats-server: v${version}"\n`);
  chmodSync(file, 0o755);
  return dir;
}

describe("findNatsServer", () => {
  it("refuses a NATS_SERVER_BIN older than 2.10 with the reason", async () => {
    const dir = fakeServer("2.9.10");
    await expect(
      findNatsServer({ env: { NATS_SERVER_BIN: join(dir, "nats-server") }, obtain: false }),
    ).rejects.toThrow(/is nats-server 2\.9\.10; nightshift needs 2\.10\.0 or newer/);
  });

  it("skips an old nats-server on PATH and says so when it cannot obtain one", async () => {
    const dir = fakeServer("2.9.10");
    const cacheDir = mkdtempSync(join(tmpdir(), "ns-cache-"));
    await expect(findNatsServer({ env: { PATH: dir }, cacheDir, obtain: false })).rejects.toThrow(
      /found only .*nats-server \(2\.9\.10\), older than 2\.10\.0/,
    );
  });

  it("finds a suitable server and runs it with JetStream", async () => {
    const bin = await findNatsServer({ env: process.env });
    expect(bin.version).toMatch(/^2\.(1\d|[2-9]\d)\./);
    const server = await startNatsServer({
      bin: bin.path,
      dir: mkdtempSync(join(tmpdir(), "ns-nats-")),
    });
    try {
      expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(server.pid()).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });
});
