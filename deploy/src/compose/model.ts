import { z } from "zod";

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** `environment` as a map or a `KEY=value` list; a key without value passes the caller's through. */
const Environment = z
  .union([z.record(z.string(), z.union([scalar, z.null()])), z.array(z.string())])
  .transform((e): Record<string, string | null> => {
    if (!Array.isArray(e)) {
      return Object.fromEntries(
        Object.entries(e).map(([k, v]) => [k, v === null ? null : String(v)]),
      );
    }
    return Object.fromEntries(
      e.map((item) => {
        const i = item.indexOf("=");
        return i < 0 ? [item, null] : [item.slice(0, i), item.slice(i + 1)];
      }),
    );
  });

const Command = z.union([z.string(), z.array(z.string())]);

const DependsOn = z
  .union([z.array(z.string()), z.record(z.string(), z.looseObject({ condition: z.string() }))])
  .transform((d): Record<string, string> =>
    Array.isArray(d)
      ? Object.fromEntries(d.map((n) => [n, "service_started"]))
      : Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.condition])),
  );

export const ComposeService = z.looseObject({
  image: z.string().optional(),
  build: z
    .union([
      z.string().transform((context) => ({ context, dockerfile: undefined, target: undefined })),
      z.looseObject({
        context: z.string().optional(),
        dockerfile: z.string().optional(),
        target: z.string().optional(),
      }),
    ])
    .optional(),
  entrypoint: Command.optional(),
  command: Command.optional(),
  environment: Environment.default({}),
  volumes: z
    .array(
      z.union([z.string(), z.looseObject({ source: z.string().optional(), target: z.string() })]),
    )
    .default([]),
  healthcheck: z
    .looseObject({ test: Command.optional(), disable: z.boolean().optional() })
    .optional(),
  depends_on: DependsOn.default({}),
  deploy: z.looseObject({ replicas: z.number().int().optional() }).optional(),
  stop_grace_period: z.string().optional(),
  /** Paths with options (`/var/lib/x:uid=1000`); only the path matters here. */
  tmpfs: z
    .union([z.string(), z.array(z.string())])
    .transform((t) => (Array.isArray(t) ? t : [t]).map((x) => x.split(":")[0] as string))
    .default([]),
  stop_signal: z.string().optional(),
  profiles: z.array(z.string()).default([]),
  ports: z.array(z.union([z.string(), z.number(), z.looseObject({})])).default([]),
});
export type ComposeService = z.infer<typeof ComposeService>;

export const ComposeFile = z.looseObject({
  services: z.record(z.string(), ComposeService),
  volumes: z.record(z.string(), z.unknown().nullable()).default({}),
});
export type ComposeFile = z.infer<typeof ComposeFile>;

export interface Mount {
  /** Host path (bind), volume name, or undefined for an anonymous volume. */
  source: string | undefined;
  target: string;
  kind: "bind" | "volume" | "anonymous";
  readOnly: boolean;
}

/** The short volume syntax `src:target[:mode]` (and `target` alone) as Compose reads it. */
export function mounts(service: ComposeService): Mount[] {
  return service.volumes.map((v): Mount => {
    if (typeof v !== "string") {
      const kind =
        v.source === undefined ? "anonymous" : /^[./~]/.test(v.source) ? "bind" : "volume";
      return { source: v.source, target: v.target, kind, readOnly: v["read_only"] === true };
    }
    const parts = v.split(":");
    if (parts.length === 1)
      return { source: undefined, target: v, kind: "anonymous", readOnly: false };
    const [source, target, mode] = parts as [string, string, string | undefined];
    return {
      source,
      target,
      kind: /^[./~]/.test(source) ? "bind" : "volume",
      readOnly: mode?.split(",").includes("ro") === true,
    };
  });
}

/** A Compose command as an argv (string commands are split on spaces, as Compose does for simple ones). */
export function argv(command: string | string[] | undefined): string[] | undefined {
  if (command === undefined) return undefined;
  return Array.isArray(command) ? command : command.split(/\s+/).filter(Boolean);
}

/** Go duration strings as Compose uses them (`1m30s`, `75s`, `500ms`) in milliseconds. */
export function durationMs(text: string): number {
  const units: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1_000,
    ms: 1,
    us: 0.001,
    ns: 0.000001,
  };
  let total = 0;
  let rest = text.trim();
  if (rest === "0") return 0;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/.exec(rest);
    if (!m) throw new Error(`not a duration: "${text}"`);
    total += Number(m[1]) * (units[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** Services in the order `docker compose up` starts them: every dependency before its dependents. */
export function startOrder(file: ComposeFile): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    if (order.includes(name)) return;
    if (visiting.has(name)) throw new Error(`depends_on cycle through ${name}`);
    visiting.add(name);
    const svc = file.services[name];
    if (svc === undefined) throw new Error(`depends_on names unknown service ${name}`);
    for (const dep of Object.keys(svc.depends_on)) visit(dep);
    order.push(name);
  };
  for (const name of Object.keys(file.services)) visit(name);
  return order;
}
