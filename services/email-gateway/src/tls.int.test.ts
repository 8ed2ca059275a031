import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { selfSignedCert, startTestSmtp, waitFor, type TestSmtp } from "@nightshift/testkit";
import { ALICE, GatewayFixture, rawMail, SMTP_PASSWORD, taskIdOf } from "./gateway-fixture.int.ts";

let cert: { cert: string; key: string };
let caFile: string;
let fx: GatewayFixture;
let starttlsSmtp: TestSmtp;

beforeAll(async () => {
  cert = await selfSignedCert();
  caFile = join(mkdtempSync(join(tmpdir(), "ns-ca-")), "ca.pem");
  writeFileSync(caFile, cert.cert);
  fx = await new GatewayFixture({ dovecot: { tls: cert }, smtp: { tls: cert } }).start();
  starttlsSmtp = await startTestSmtp({
    tls: { ...cert, starttls: true },
    auth: { user: "agent", password: SMTP_PASSWORD },
  });
});
afterAll(async () => {
  await starttlsSmtp.dispose();
  await fx.dispose();
});
afterEach((ctx) => fx.afterEach(ctx));

function imap(security: "tls" | "starttls", withCa = true): Record<string, unknown> {
  return {
    host: "127.0.0.1",
    port: security === "tls" ? fx.imap.tlsPort : fx.imap.port,
    security,
    user: fx.imap.user,
    reconnectMin: "100ms",
    reconnectMax: "500ms",
    ...(withCa ? { caFile } : {}),
  };
}

describe("email over TLS", () => {
  it("reads over implicit TLS and sends over implicit TLS, trusting email.*.caFile", async () => {
    await fx.executor();
    const gw = await fx.gateway({
      imap: imap("tls"),
      smtp: { host: "127.0.0.1", port: fx.smtp.port, security: "tls", user: "agent", caFile },
    });
    const mid = "<tls-1@example.test>";
    await fx.imap.append(rawMail({ messageId: mid }));
    await fx.terminal(gw, taskIdOf(mid));
    const reply = await waitFor(() => fx.smtp.mails[0], { timeoutMs: 20_000 });
    expect(reply).toMatchObject({ to: [ALICE], secure: true, user: "agent" });
  });

  it("upgrades with STARTTLS on both sides", async () => {
    await fx.executor();
    const gw = await fx.gateway({
      imap: imap("starttls"),
      smtp: {
        host: "127.0.0.1",
        port: starttlsSmtp.port,
        security: "starttls",
        user: "agent",
        caFile,
      },
    });
    const mid = "<starttls-1@example.test>";
    await fx.imap.append(rawMail({ messageId: mid }));
    await fx.terminal(gw, taskIdOf(mid));
    const reply = await waitFor(() => starttlsSmtp.mails[0], { timeoutMs: 20_000 });
    expect(reply).toMatchObject({ to: [ALICE], secure: true });
  });

  it("refuses a server whose certificate it cannot verify, says why, and is not ready", async () => {
    const gw = await fx.gateway({ imap: imap("tls", false) });
    const line = await fx.logs.waitFor(/^IMAP TLS failed: self-signed certificate/);
    expect(line["msg"]).toMatch(/email\.imap\.caFile/);
    expect(line["level"]).toBe(40);
    const ready = await gw.app.request("/readyz");
    expect(ready.status).toBe(503);
    expect(await ready.text()).toMatch(/not connected to IMAP/);
  });
});
