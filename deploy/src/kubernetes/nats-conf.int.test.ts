import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { findNatsServer } from "@nightshift/natsd";
import { ADMIN_USER, passwordVariable, SERVICE_POLICIES } from "../nats-auth/policy.ts";
import { buildOverlay, configFile, overlays } from "./manifests.ts";

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const users = [ADMIN_USER, ...Object.keys(SERVICE_POLICIES)];

/** `nats-server -t`: parses the file and its includes, resolves variables, and exits. */
async function check(
  conf: string,
  auth: string,
  env: Record<string, string>,
): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), "ns-natsconf-"));
  dirs.push(dir);
  writeFileSync(join(dir, "nats.conf"), conf);
  writeFileSync(join(dir, "auth.conf"), auth);
  const bin = (await findNatsServer({ env: process.env })).path;
  try {
    const r = await run(bin, ["-t", "-c", join(dir, "nats.conf")], {
      env: { PATH: process.env["PATH"] ?? "", ...env },
    });
    return { ok: true, output: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe.each(overlays())("the NATS config of k8s/overlays/%s", (overlay) => {
  const objects = buildOverlay(overlay);
  const conf = configFile(objects, "nats-config", "nats.conf");
  const auth = configFile(objects, "nats-config", "auth.conf");
  const secret = objects.find(
    (o) => o.kind === "Secret" && o.metadata.name.startsWith("nats-users"),
  );
  const passwords: Record<string, string> = secret
    ? Object.fromEntries(
        Object.entries(secret["data"] as Record<string, string>).map(([k, v]) => [
          k,
          Buffer.from(v, "base64").toString(),
        ]),
      )
    : Object.fromEntries(users.map((u) => [passwordVariable(u), `pw-${u}`]));

  it("is a valid nats-server configuration with the pod's environment", async () => {
    if (secret) expect(Object.keys(passwords).sort()).toEqual(users.map(passwordVariable).sort());
    const r = await check(conf, auth, { POD_NAME: "nats-0", ...passwords });
    expect(r.output).toContain("is valid");
    expect(r.ok).toBe(true);
  });

  it("refuses to start without a user's password", async () => {
    const { [passwordVariable("executor")]: _dropped, ...rest } = passwords;
    const r = await check(conf, auth, { POD_NAME: "nats-0", ...rest });
    expect(r.ok).toBe(false);
    expect(r.output).toContain(passwordVariable("executor"));
  });
});
