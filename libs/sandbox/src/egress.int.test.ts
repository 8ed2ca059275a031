import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxDriver } from "./create-driver.ts";
import { hostAllowed } from "./egress-proxy.ts";

const PATH = process.env["PATH"] ?? "/usr/bin:/bin";
let allowed: Server;
let denied: Server;
const port = (s: Server) => (s.address() as AddressInfo).port;

beforeAll(async () => {
  const serve = (body: string) =>
    new Promise<Server>((resolve) => {
      const s = createServer((_req, res) => res.end(body));
      s.listen(0, "127.0.0.1", () => resolve(s));
    });
  allowed = await serve("model api\n");
  denied = await serve("exfiltrated\n");
});
afterAll(async () => {
  for (const s of [allowed, denied]) await new Promise<void>((r) => s.close(() => r()));
});

async function curlInside(strict: boolean, script: (a: number, d: number) => string) {
  const driver = await createSandboxDriver(
    {
      driver: "bwrap",
      user: { uid: 10_100, gid: 10_100 },
      limits: {},
      readOnly: [],
      egress: { allow: [`127.0.0.1:${port(allowed)}`], strict },
    },
    { slots: 1, pathEnv: PATH },
  );
  const workspace = mkdtempSync(join(tmpdir(), "ns-egress-ws-"));
  const box = await driver.open({
    taskId: "e",
    workspace,
    home: mkdtempSync(join(tmpdir(), "h-")),
  });
  try {
    const proc = box.spawn({
      argv: ["sh", "-c", script(port(allowed), port(denied))],
      cwd: workspace,
      env: { PATH, ...box.env },
    });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exit = await proc.exited;
    if (out === "") throw new Error(`no output (exit ${exit.code}): ${err}`);
    return out;
  } finally {
    await box.close();
    await driver.close();
  }
}

describe("egress allowlist", () => {
  it("matches hosts, ports and subdomains", () => {
    expect(hostAllowed(["api.anthropic.com"], "API.anthropic.com", 443)).toBe(true);
    expect(hostAllowed(["api.anthropic.com:443"], "api.anthropic.com", 80)).toBe(false);
    expect(hostAllowed(["*.openai.com"], "api.openai.com", 443)).toBe(true);
    expect(hostAllowed(["*.openai.com"], "openai.com.evil.net", 443)).toBe(false);
  });

  it("lets proxied traffic reach listed hosts only", async () => {
    const out = await curlInside(
      false,
      (a, d) =>
        `curl -s http://127.0.0.1:${a}/; curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:${d}/`,
    );
    expect(out).toBe("model api\n403\n");
  });

  it("strict: the sandbox has no network of its own, only the proxy", async () => {
    const out = await curlInside(true, (a, d) =>
      [
        `curl -s http://127.0.0.1:${a}/`,
        `curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:${d}/`,
        `curl -s --noproxy '*' --max-time 5 http://127.0.0.1:${d}/ || echo direct-failed`,
      ].join("; "),
    );
    expect(out).toBe("model api\n403\ndirect-failed\n");
  });
});
