import { chmodSync, cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { imageConfig, type DockerfileModel, type ImageConfig } from "../dockerfile/model.ts";
import { argv, mounts, type ComposeFile, type Mount } from "./model.ts";

/** A Compose service turned into a process on this host: what `docker compose up` would run. */
export interface OutsideProcess {
  service: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** The service's health check command, remapped the same way; undefined when it has none. */
  healthcheck: string[] | undefined;
}

export interface OutsideOptions {
  compose: ComposeFile;
  /** The repository: bind mounts are relative to it, and `nightshift` runs its cli/dist/main.js. */
  repo: string;
  /** An empty directory standing in for the containers' file systems and volumes. */
  root: string;
  dockerfile: DockerfileModel;
  /** The host port standing in for a service's container port. */
  hostPort: (service: string, containerPort: number) => number;
  /** Host binaries for images not built from deploy/Dockerfile, by image repository (`nats`). */
  binaries: Record<string, string>;
  /** PATH and the like, from the test process. */
  baseEnv: Record<string, string>;
  /** Values for `environment` keys without a value (Compose passes the caller's through). */
  passThrough: Readonly<Record<string, string | undefined>>;
}

/**
 * The Dockerfile stage a compose service's image is built from (the last stage when the
 * service names no target, as `docker build` does); undefined for images built elsewhere.
 */
export function buildTarget(
  compose: ComposeFile,
  service: string,
  dockerfile: DockerfileModel,
): string | undefined {
  const b = compose.services[service]?.build;
  if (b === undefined) return undefined;
  return b.target ?? dockerfile.stages.at(-1)?.name;
}

function exposedPorts(img: ImageConfig): number[] {
  return img.chain.flatMap((s) =>
    s.steps
      .filter((st) => st.keyword === "EXPOSE")
      .flatMap((st) => st.args.split(/\s+/).map((p) => Number.parseInt(p, 10))),
  );
}

/**
 * Plans one service as a host process: bind mounts are copied under `root`, volumes become
 * directories there, container paths in the command line and environment are remapped,
 * `nats://service:port` URLs point at the host ports standing in for the containers', and
 * `nightshift` is the repository's built CLI.
 */
export function planOutside(service: string, o: OutsideOptions): OutsideProcess {
  const svc = o.compose.services[service];
  if (svc === undefined) throw new Error(`no service ${service}`);
  const fsRoot = join(o.root, "containers", service);
  const target = buildTarget(o.compose, service, o.dockerfile);
  const img = target === undefined ? undefined : imageConfig(o.dockerfile, target);
  const hostOf = (m: Mount): string => {
    if (m.kind === "volume") return join(o.root, "volumes", m.source as string);
    return join(fsRoot, m.target);
  };
  const ms = mounts(svc);
  for (const m of ms) {
    const host = hostOf(m);
    if (m.kind === "bind") {
      mkdirSync(dirname(host), { recursive: true });
      cpSync(resolve(o.repo, m.source as string), host, { recursive: true });
    } else mkdirSync(host, { recursive: true });
  }
  const workdir = img?.workdir ?? "/";
  const remapPath = (p: string): string => {
    const m = ms
      .filter((x) => p === x.target || p.startsWith(`${x.target}/`))
      .sort((a, b) => b.target.length - a.target.length)[0];
    if (m) return join(hostOf(m), p.slice(m.target.length));
    if (img && (p === workdir || p.startsWith(`${workdir}/`))) return join(fsRoot, p);
    return p;
  };
  const ports = img ? exposedPorts(img) : [];
  const remapValue = (v: string): string => {
    let out = v.replace(
      /^([a-z]+):\/\/([A-Za-z0-9_.-]+):(\d+)/,
      (whole, scheme: string, host: string, port: string) => {
        const target = host === "127.0.0.1" || host === "localhost" ? service : host;
        if (o.compose.services[target] === undefined) return whole;
        return `${scheme}://127.0.0.1:${o.hostPort(target, Number(port))}`;
      },
    );
    if (/^\d+$/.test(out) && ports.includes(Number(out)))
      out = String(o.hostPort(service, Number(out)));
    return out.startsWith("/") ? remapPath(out) : out;
  };
  const env: Record<string, string> = { ...o.baseEnv };
  for (const [k, v] of Object.entries(img?.env ?? {})) env[k] = remapValue(v);
  for (const [k, v] of Object.entries(svc.environment)) {
    const value = v ?? o.passThrough[k];
    if (value !== undefined) env[k] = remapValue(value);
  }
  let command: string[];
  if (img) {
    mkdirSync(join(fsRoot, workdir), { recursive: true });
    // The image links /usr/local/bin/nightshift to the CLI; here it is the repository's build.
    const bin = join(fsRoot, "usr", "local", "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, "nightshift"),
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(o.repo, "cli", "dist", "main.js"))} "$@"\n`,
    );
    chmodSync(join(bin, "nightshift"), 0o755);
    env["PATH"] = `${bin}:${env["PATH"] ?? "/usr/bin:/bin"}`;
    command = [...(argv(svc.entrypoint) ?? img.entrypoint), ...(argv(svc.command) ?? img.cmd)];
  } else {
    const repo = (svc.image ?? "").split(":")[0] as string;
    const bin = o.binaries[repo];
    if (bin === undefined)
      throw new Error(`no host binary for image ${svc.image ?? "(none)"} of ${service}`);
    command = [bin, ...(argv(svc.command) ?? [])];
  }
  const hc = svc.healthcheck;
  const test = hc?.disable === true ? undefined : (argv(hc?.test) ?? img?.healthcheck?.test);
  const healthcheck =
    test === undefined
      ? undefined
      : test[0] === "CMD"
        ? test.slice(1)
        : test[0] === "CMD-SHELL"
          ? ["/bin/sh", "-c", test.slice(1).join(" ")]
          : test;
  return {
    service,
    argv: command.map(remapValue),
    env,
    cwd: img ? join(fsRoot, workdir) : fsRoot,
    healthcheck: healthcheck?.map(remapValue),
  };
}
