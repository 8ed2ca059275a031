/** A `${VAR:?message}` whose variable is unset, as Compose reports it. */
export class InterpolationError extends Error {
  readonly code = "INTERPOLATION" as const;
  readonly path: string;
  constructor(message: string, path: string) {
    super(`${path}: ${message}`);
    this.name = "InterpolationError";
    this.path = path;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const PATTERN =
  /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Compose's variable substitution in one string: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`. With a colon,
 * an empty value counts as unset.
 */
export function interpolateString(text: string, env: Env, path = ""): string {
  return text.replace(
    PATTERN,
    (
      _m,
      dollar: string | undefined,
      braced: string | undefined,
      op: string | undefined,
      arg: string | undefined,
      bare: string | undefined,
    ) => {
      if (dollar !== undefined) return "$";
      const name = (braced ?? bare) as string;
      const value = env[name];
      const colon = op?.startsWith(":") === true;
      const set = value !== undefined && (!colon || value !== "");
      const kind = op?.slice(-1);
      const nested = (s: string | undefined): string => interpolateString(s ?? "", env, path);
      if (kind === "-") return set ? value : nested(arg);
      if (kind === "+") return set ? nested(arg) : "";
      if (kind === "?") {
        if (set) return value;
        throw new InterpolationError(
          `required variable ${name} is missing a value: ${nested(arg)}`,
          path,
        );
      }
      return value ?? "";
    },
  );
}

/** Substitutes in every string value of a parsed Compose file (keys stay as they are). */
export function interpolate(node: unknown, env: Env, path = ""): unknown {
  if (typeof node === "string") return interpolateString(node, env, path);
  if (Array.isArray(node)) return node.map((v, i) => interpolate(v, env, `${path}[${i}]`));
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, interpolate(v, env, path ? `${path}.${k}` : k)]),
    );
  }
  return node;
}

/** Every variable a Compose file reads, and whether it must be set (`:?` / `?`). */
export function variablesOf(node: unknown): Map<string, { required: boolean }> {
  const out = new Map<string, { required: boolean }>();
  const visit = (n: unknown): void => {
    if (typeof n === "string") {
      for (const m of n.matchAll(PATTERN)) {
        const name = m[2] ?? m[5];
        if (name === undefined) continue;
        const required = m[3]?.endsWith("?") === true;
        out.set(name, { required: required || out.get(name)?.required === true });
      }
    } else if (Array.isArray(n)) n.forEach(visit);
    else if (n !== null && typeof n === "object") Object.values(n).forEach(visit);
  };
  visit(node);
  return out;
}
