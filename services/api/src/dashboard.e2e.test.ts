import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient, type NightshiftClient } from "@nightshift/client";
import { executorService } from "@nightshift/executor";
import { announcePresence, startInProcess, type InProcessServices } from "@nightshift/host";
import { startHttpServer, type HttpServer } from "@nightshift/runtime";
import { makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { apiService } from "./service.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ARTIFACTS = join(ROOT, "artifacts");
const CHROMIUM = process.env["CHROMIUM_BIN"] ?? "/usr/bin/chromium";
const TOKEN = "dashboard-token-0123456789";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let nats: TestNats;
let svc: InProcessServices;
let http: HttpServer;
let base: string;
let client: NightshiftClient;
let context: BrowserContext;
let profile: string;
let unannounce: (() => Promise<void>) | undefined;
const foreign: string[] = [];
let finishedId: string | undefined;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set CHROMIUM_BIN)`);
  // The page's scripts are compiled by the project's own tsc; make sure they are current.
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-b", "services/api/web"],
    { cwd: ROOT },
  );
  nats = await startTestNats();
  svc = await startInProcess([executorService({ env: process.env }), apiService()], {
    natsUrl: nats.url,
    env: { NIGHTSHIFT_API_TOKENS: `e2e:${TOKEN}` },
    config: {
      nats: { heartbeat: "300ms", ackWait: "2s", leaseTtl: "2s" },
      executor: {
        slots: 2,
        workspaces: mkdtempSync(join(tmpdir(), "ns-ws-")),
        busyDelay: "300ms",
      },
      backends: { shell: { type: "command", argv: ["sh", "-c", "{prompt}"] } },
      api: { sampleInterval: "500ms" },
    },
  });
  http = await startHttpServer(svc.app, "127.0.0.1", 0);
  base = `http://127.0.0.1:${http.port}`;
  client = httpClient({ url: base, token: TOKEN });
  // What hostServices does for `nightshift up`: the services panel reads these entries.
  unannounce = announcePresence({
    bus: svc.bus,
    services: ["executor", "api"],
    instance: svc.instance,
    http: base,
    state: () => "running",
  });
  profile = mkdtempSync(join(tmpdir(), "ns-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 1000 },
  });
  // No CDN, fonts or anything else: every request must go to the service itself.
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`)) return route.continue();
    foreign.push(url);
    return route.abort();
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await unannounce?.();
  await http?.close();
  await svc?.forceStop();
  await nats?.dispose();
});

/** A finished record with spend, as an executor running a paid backend leaves it. */
async function spent(id: string, repo: string, daysAgo: number, costUsd: number): Promise<void> {
  await client.submit({ prompt: `earlier work ${id}`, repo, id, backend: "missing-backend" });
  await waitFor(async () => (await client.get(id))?.state === "failed", {
    message: `${id} to fail`,
  });
  const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  await svc.bus.tasks.update(id, (r) => ({
    ...r,
    finishedAt: at,
    updatedAt: at,
    usage: { ...r.usage, turns: 4, inputTokens: 20_000, outputTokens: 3_000, costUsd },
  }));
}

async function card(page: Page, id: string, state: string): Promise<void> {
  await page.waitForSelector(`[data-task-id="${id}"][data-state="${state}"]`, { timeout: 20_000 });
}

describe("dashboard", () => {
  it("shows a task submitted through the API running live, with charts and services", async () => {
    await spent("spend-web-1", "https://example.com/acme/web.git", 2, 1.8);
    await spent("spend-web-2", "https://example.com/acme/web.git", 1, 0.9);
    await spent("spend-api-1", "https://example.com/acme/api.git", 0, 0.45);

    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    await page.goto(`${base}/dashboard/#token=${TOKEN}`);
    await page.waitForSelector("#live.on", { timeout: 15_000 });
    expect(page.url()).not.toContain(TOKEN);

    const repo = await makeTestRepo();
    const script =
      'for i in 1 2 3 4 5 6; do echo "step $i of 6"; echo $i >> progress.txt; sleep 0.5; done';
    const { id } = await client.submit({ prompt: script, repo: repo.origin, backend: "shell" });
    const { id: next } = await client.submit({
      prompt: "echo second > second.txt",
      repo: repo.origin,
      backend: "shell",
    });

    await card(page, id, "running");
    // The second task waits for the repository, and the board says why.
    await page.waitForSelector(`[data-task-id="${next}"] [data-wait-reason="repo-busy"]`, {
      timeout: 15_000,
    });
    await page.click(`[data-task-id="${id}"]`);
    await page.locator("#task-log").getByText("step 1 of 6").waitFor({ timeout: 15_000 });
    // Output arrives while the task still runs: the stream is live, not a replay.
    expect(await page.textContent("#task-state")).toBe("running");
    const early = await page.locator("#task-log .ev-output").count();
    expect(early).toBeLessThan(6);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-running.png"), fullPage: true });

    await page.locator("#task-state", { hasText: /^succeeded$/ }).waitFor({ timeout: 20_000 });
    const lines = (await page.locator("#task-log .ev-output").allTextContents()).map((t) =>
      t.replace(/^\d\d:\d\d:\d\d/, ""),
    );
    expect(lines).toEqual([1, 2, 3, 4, 5, 6].map((i) => `step ${i} of 6`));
    await card(page, id, "succeeded");
    await card(page, next, "succeeded");
    finishedId = id;

    // Charts and panels are drawn from the API's summaries.
    await page.locator("#chart-queue path.line").first().waitFor({ timeout: 10_000 });
    const dayBars = await page.locator("#chart-spend-day rect.bar title").allTextContents();
    expect(dayBars).toHaveLength(14);
    expect(dayBars.filter((t) => /\$(1\.80|0\.900|0\.450)/.test(t))).toHaveLength(3);
    const repoBars = await page.locator("#chart-spend-repo text").allTextContents();
    expect(repoBars).toEqual(expect.arrayContaining(["web", "$2.70", "api", "$0.450"]));
    await page
      .locator("#chart-latency .point, #chart-latency .line")
      .first()
      .waitFor({ timeout: 10_000 });
    expect(await page.textContent('[data-service="executor"]')).toMatch(/running/);
    expect(await page.textContent('[data-service="api"]')).toMatch(/running/);
    await page.locator("#stat-running b", { hasText: /^0$/ }).waitFor({ timeout: 10_000 });

    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("asks for a token when it has none, and refuses a wrong one", async () => {
    const page = await context.newPage();
    await page.goto(`${base}/dashboard/`);
    await page.evaluate("sessionStorage.clear()");
    await page.reload();
    await page.waitForSelector("#token-form:not([hidden])", { timeout: 10_000 });
    await page.fill("#token-input", "not-the-token-0123456789");
    await page.click("#token-form button");
    await page.waitForSelector("#token-form:not([hidden])", { timeout: 10_000 });
    expect(await page.textContent("#banner")).toMatch(/needs a token/);
    await page.fill("#token-input", TOKEN);
    await page.click("#token-form button");
    await page.waitForSelector("#live.on", { timeout: 10_000 });
    expect(await page.isHidden("#token-form")).toBe(true);
  });

  it("opens the task a link names, and keeps the token out of the address bar", async () => {
    expect(finishedId).toBeDefined();
    const page = await context.newPage();
    await page.goto(`${base}/dashboard/#token=${TOKEN}&task=${finishedId}`);
    await page.locator("#task-state", { hasText: /^succeeded$/ }).waitFor({ timeout: 10_000 });
    await page.locator("#task-log").getByText("step 6 of 6").waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).hash).toBe(`#task=${finishedId}`);
  });
});
