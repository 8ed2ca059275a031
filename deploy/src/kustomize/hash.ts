import { createHash } from "node:crypto";

/** JSON as Go's encoding/json writes it: sorted map keys, HTML-safe escapes. */
function goJson(value: unknown): string {
  if (typeof value === "string") {
    let out = '"';
    for (const ch of value) {
      const c = ch.codePointAt(0) as number;
      if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) {
        out += `\\u${c.toString(16).padStart(4, "0")}`;
      } else out += ch;
    }
    return `${out}"`;
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${goJson(k)}:${goJson(v)}`).join(",")}}`;
  }
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  return JSON.stringify(value);
}

/**
 * kustomize's name suffix for a generated ConfigMap or Secret (api/hasher): the SHA-256 of
 * the JSON of kind, name, data (and type for Secrets), first ten hex digits with 0,1,3,a,e
 * replaced so the suffix never reads as a number. kustomize 5 looks the name up by the path
 * "metadata/name" as a single field, finds nothing and hashes an empty name; so does this, to
 * produce the names `kubectl kustomize` does.
 */
export function generatedNameHash(obj: {
  kind: "ConfigMap" | "Secret";
  name: string;
  data: Record<string, string>;
  type?: string;
}): string {
  const doc: Record<string, unknown> = { kind: obj.kind, name: "", data: obj.data };
  if (obj.kind === "Secret") doc["type"] = obj.type ?? "Opaque";
  const hex = createHash("sha256").update(goJson(doc)).digest("hex").slice(0, 10);
  const swap: Record<string, string> = { "0": "g", "1": "h", "3": "k", a: "m", e: "t" };
  return [...hex].map((c) => swap[c] ?? c).join("");
}
