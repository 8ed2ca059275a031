import { execFile } from "node:child_process";
import { constants } from "node:fs";
import {
  access,
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  writeFile,
} from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { NightshiftError } from "@nightshift/errors";
import { MIN_SERVER_VERSION, parseVersion, versionAtLeast } from "./version.ts";

const run = promisify(execFile);

export interface NatsBinary {
  path: string;
  version: string;
  /** Where it came from: `env`, `path`, `cache` or `downloaded`. */
  origin: "env" | "path" | "cache" | "downloaded";
}

export interface FindNatsServerOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Where obtained binaries are kept; defaults to `$XDG_CACHE_HOME/nightshift` or `~/.cache/nightshift`. */
  cacheDir?: string;
  /** Fetch a suitable binary when none is installed (default true). */
  obtain?: boolean;
  /** Receives one line per step taken while obtaining a binary. */
  onProgress?: (line: string) => void;
}

/** Debian suites whose nats-server builds are new enough, newest first. */
const DEBIAN_SUITES = ["sid", "trixie"];

export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "nightshift");
}

/** Reads `nats-server --version`; undefined when the file is not a runnable nats-server. */
export async function probeVersion(path: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(path, ["--version"], { timeout: 10_000 });
    const v = parseVersion(stdout);
    return v ? v.join(".") : undefined;
  } catch {
    return undefined;
  }
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a nats-server >= 2.10: `NATS_SERVER_BIN`, then `PATH`, then the cache, and
 * otherwise obtains one (Debian's archive through a private apt sources list, or the
 * upstream release archive). Throws a NightshiftError("NATS_BINARY") saying what to do.
 */
export async function findNatsServer(options: FindNatsServerOptions): Promise<NatsBinary> {
  const { env } = options;
  const tooOld: string[] = [];
  const fromEnv = env["NATS_SERVER_BIN"];
  if (fromEnv !== undefined && fromEnv !== "") {
    const version = await probeVersion(fromEnv);
    if (version === undefined) {
      throw new NightshiftError(
        "NATS_BINARY",
        `NATS_SERVER_BIN=${fromEnv} is not a runnable nats-server`,
      );
    }
    if (!versionAtLeast(version)) {
      throw new NightshiftError(
        "NATS_BINARY",
        `NATS_SERVER_BIN=${fromEnv} is nats-server ${version}; nightshift needs ${MIN_SERVER_VERSION} or newer`,
      );
    }
    return { path: fromEnv, version, origin: "env" };
  }
  for (const dir of (env["PATH"] ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "nats-server");
    if (!(await executable(candidate))) continue;
    const version = await probeVersion(candidate);
    if (version === undefined) continue;
    if (versionAtLeast(version)) return { path: candidate, version, origin: "path" };
    tooOld.push(`${candidate} (${version})`);
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const cached = join(cacheDir, "bin", "nats-server");
  if (await executable(cached)) {
    const version = await probeVersion(cached);
    if (version !== undefined && versionAtLeast(version))
      return { path: cached, version, origin: "cache" };
  }
  const old =
    tooOld.length > 0 ? ` (found only ${tooOld.join(", ")}, older than ${MIN_SERVER_VERSION})` : "";
  if (options.obtain === false) {
    throw new NightshiftError(
      "NATS_BINARY",
      `no nats-server >= ${MIN_SERVER_VERSION} found${old}; install one or set NATS_SERVER_BIN`,
    );
  }
  options.onProgress?.(`no nats-server >= ${MIN_SERVER_VERSION} installed${old}; obtaining one`);
  const failures: string[] = [];
  for (const attempt of [obtainFromDebian, obtainFromUpstream]) {
    try {
      await attempt(cached, options.onProgress);
      const version = await probeVersion(cached);
      if (version !== undefined && versionAtLeast(version))
        return { path: cached, version, origin: "downloaded" };
      failures.push(`${attempt.name}: obtained binary reports version ${version ?? "unknown"}`);
    } catch (err) {
      failures.push(
        `${attempt.name}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
      );
    }
  }
  throw new NightshiftError(
    "NATS_BINARY",
    `no nats-server >= ${MIN_SERVER_VERSION} found${old} and none could be obtained (${failures.join("; ")}); install one or set NATS_SERVER_BIN`,
  );
}

/** `apt-get download` from a newer Debian suite with a private sources list; changes nothing system-wide. */
async function obtainFromDebian(target: string, progress?: (line: string) => void): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "nightshift-apt-"));
  try {
    await mkdir(join(work, "lists", "partial"), { recursive: true });
    await mkdir(join(work, "archives", "partial"), { recursive: true });
    await mkdir(join(work, "parts"), { recursive: true });
    const list = join(work, "sources.list");
    await writeFile(
      list,
      DEBIAN_SUITES.map(
        (s) =>
          `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${s} main\n`,
      ).join(""),
    );
    const opts = [
      `-o`,
      `Dir::Etc::sourcelist=${list}`,
      `-o`,
      `Dir::Etc::sourceparts=${join(work, "parts")}`,
      `-o`,
      `Dir::State::lists=${join(work, "lists")}`,
      `-o`,
      `Dir::Cache=${work}`,
      `-o`,
      `Dir::State::status=/dev/null`,
      `-o`,
      `APT::Sandbox::User=root`,
      `-o`,
      `Debug::NoLocking=1`,
    ];
    progress?.(`apt-get update (${DEBIAN_SUITES.join(", ")}) into ${work}`);
    await run("apt-get", [...opts, "update"], { timeout: 180_000, maxBuffer: 16 << 20 });
    progress?.("apt-get download nats-server");
    await run("apt-get", [...opts, "download", "nats-server"], { cwd: work, timeout: 180_000 });
    const deb = (await readdir(work)).find(
      (f) => f.startsWith("nats-server_") && f.endsWith(".deb"),
    );
    if (deb === undefined) throw new Error("apt-get download produced no .deb");
    await run("dpkg-deb", ["-x", join(work, deb), join(work, "x")], { timeout: 60_000 });
    await install(join(work, "x", "usr", "sbin", "nats-server"), target);
    progress?.(`installed ${deb} as ${target}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The upstream release archive from GitHub, for machines without apt. */
async function obtainFromUpstream(
  target: string,
  progress?: (line: string) => void,
): Promise<void> {
  const arch = process.arch === "arm64" ? "arm64" : process.arch === "x64" ? "amd64" : undefined;
  if (arch === undefined || (process.platform !== "linux" && process.platform !== "darwin")) {
    throw new Error(`no upstream build known for ${process.platform}/${process.arch}`);
  }
  const version = "2.12.4";
  const name = `nats-server-v${version}-${process.platform}-${arch}`;
  const url = `https://github.com/nats-io/nats-server/releases/download/v${version}/${name}.tar.gz`;
  const work = await mkdtemp(join(tmpdir(), "nightshift-nats-"));
  try {
    progress?.(`downloading ${url}`);
    const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
    if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
    const archive = join(work, "nats.tar.gz");
    await writeFile(archive, Buffer.from(await res.arrayBuffer()));
    await run("tar", ["-xzf", archive, "-C", work], { timeout: 60_000 });
    await install(join(work, name, "nats-server"), target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function install(from: string, target: string): Promise<void> {
  await mkdir(join(target, ".."), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  await copyFile(from, tmp);
  await chmod(tmp, 0o755);
  await rename(tmp, target);
}
