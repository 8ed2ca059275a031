/**
 * A small value that satisfies a JSON schema: what the server answers to structured-output
 * side requests (Claude Code asks for a session title that way) without using the script.
 */
export function sampleFor(schema: unknown): unknown {
  if (typeof schema !== "object" || schema === null) return null;
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s["enum"]) && s["enum"].length > 0) return s["enum"][0];
  if ("const" in s) return s["const"];
  const type = Array.isArray(s["type"]) ? (s["type"] as unknown[])[0] : s["type"];
  switch (type) {
    case "object": {
      const props = (s["properties"] ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s["required"])
        ? (s["required"] as string[])
        : Object.keys(props);
      return Object.fromEntries(required.map((k) => [k, sampleFor(props[k])]));
    }
    case "array":
      return [];
    case "string":
      return "scripted";
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}

/** The JSON schema a Messages request asks its answer to follow, if any. */
export function structuredOutputSchema(body: unknown): unknown {
  if (typeof body !== "object" || body === null) return undefined;
  const format = (body as { output_config?: { format?: { type?: string; schema?: unknown } } })
    .output_config?.format;
  return format?.type === "json_schema" ? format.schema : undefined;
}
