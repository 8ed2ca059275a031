/** The oldest nats-server nightshift runs against (see ARCHITECTURE.md, "NATS server facts"). */
export const MIN_SERVER_VERSION = "2.10.0";

/** Parses `2.10.27`, `v2.15.1`, `nats-server: v2.9.10` into [major, minor, patch]. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** True when `version` is at least `minimum`. */
export function versionAtLeast(version: string, minimum: string = MIN_SERVER_VERSION): boolean {
  const a = parseVersion(version);
  const b = parseVersion(minimum);
  if (!a || !b) return false;
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}
