import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseBytes } from "../bytes.ts";
import { ConfigError } from "../config-error.ts";
import { EXAMPLE_CONFIG } from "../example.ts";
import { parseConfig } from "../load.ts";

const minimal = {
  address: "Agent@Example.com",
  imap: { host: "imap.example.com", user: "agent" },
  smtp: { host: "smtp.example.com", security: "starttls" },
};

function issues(raw: unknown): string[] {
  try {
    parseConfig(raw, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("email config", () => {
  it("is absent unless configured", () => {
    expect(parseConfig({}, {}).config.email).toBeUndefined();
  });

  it("fills defaults: ports by security, a closed allowlist, limits", () => {
    const email = parseConfig({ email: minimal }, {}).config.email!;
    expect(email.address).toBe("agent@example.com");
    expect(email.imap).toMatchObject({ port: 993, security: "tls", reconnectMin: 1000 });
    expect(email.smtp.port).toBe(587);
    expect(email.allow.senders).toEqual([]);
    expect(email.folders.inbox).toBe("INBOX");
    expect(email.limits.maxAttachmentSize).toBe(10 * 1024 * 1024);
    expect(email.task.mode).toBe("autonomous");
  });

  it("reports bad addresses, patterns, sizes and unknown keys with their paths", () => {
    const found = issues({
      email: {
        ...minimal,
        aliases: ["not an address"],
        allow: { senders: ["alice@", "example.com"] },
        filters: { notifications: ["(unclosed"] },
        limits: { maxAttachmentSize: "ten megabytes" },
        imap: { ...minimal.imap, tls: true },
      },
    });
    expect(found.map((f) => f.split(":")[0])).toEqual(
      expect.arrayContaining([
        "email.aliases.0",
        "email.allow.senders.0",
        "email.filters.notifications.0",
        "email.limits.maxAttachmentSize",
        "email.imap",
      ]),
    );
    expect(found.find((f) => f.startsWith("email.imap"))).toMatch(/tls/);
  });

  it("parses sizes", () => {
    expect(parseBytes("10MB")).toBe(10 * 1024 * 1024);
    expect(parseBytes("512kb")).toBe(512 * 1024);
    expect(parseBytes(42)).toBe(42);
    expect(parseBytes("lots")).toBeUndefined();
  });

  it("ships a commented example that parses once uncommented", () => {
    const lines = EXAMPLE_CONFIG.split("\n");
    const start = lines.indexOf("# email:");
    expect(start).toBeGreaterThan(0);
    const end = lines.indexOf("", start);
    const block = lines
      .slice(start, end === -1 ? undefined : end)
      .map((l) => l.slice(2))
      .join("\n");
    const raw = parse(block) as { email: Record<string, unknown> };
    const email = parseConfig(raw, {}).config.email!;
    expect(email.allow).toMatchObject({
      senders: ["alice@example.com", "example.org"],
      requireAuth: "dkim-or-spf",
    });
    expect(email.folders.processed).toBe("nightshift");
    expect(email.task.timeout).toBe(3_600_000);
  });
});
