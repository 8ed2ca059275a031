/**
 * Hidden markers nightshift puts in everything it writes on GitHub, so it can find its own
 * comments and pull requests again after a restart instead of writing them twice:
 * `<!-- nightshift:task=<id> kind=status -->`.
 */
export function marker(fields: Record<string, string | number>): string {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${String(v).replace(/[\s>]/g, "_")}`);
  return `<!-- nightshift:${parts.join(" ")} -->`;
}

/** Every nightshift marker in a body, as key/value maps, in order. */
export function parseMarkers(body: string | null | undefined): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const m of (body ?? "").matchAll(/<!-- nightshift:([^>]*?) -->/g)) {
    const fields: Record<string, string> = {};
    for (const pair of (m[1] ?? "").trim().split(/\s+/)) {
      const eq = pair.indexOf("=");
      if (eq > 0) fields[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    out.push(fields);
  }
  return out;
}

/** Whether `body` carries a marker with all of `fields`. */
export function hasMarker(
  body: string | null | undefined,
  fields: Record<string, string>,
): boolean {
  return parseMarkers(body).some((m) => Object.entries(fields).every(([k, v]) => m[k] === v));
}
