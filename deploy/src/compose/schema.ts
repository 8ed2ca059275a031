import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv } from "ajv";

/**
 * The Compose Specification's JSON schema, as vendored by the `dclint` package (pinned in
 * deploy/package.json): the schema `docker compose config` validates against.
 */
export function composeSchemaPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("dclint/package.json")), "schemas", "compose.schema.json");
}

export interface SchemaProblem {
  path: string;
  message: string;
}

/** Validates a parsed (merged, interpolated) Compose file; returns every problem, none when valid. */
export function composeValidator(): (doc: unknown) => SchemaProblem[] {
  const schema = JSON.parse(readFileSync(composeSchemaPath(), "utf8")) as Record<string, unknown>;
  // The file names draft-07 by an https URL ajv does not alias; ajv's default is draft-07.
  if (schema["$schema"] !== "https://json-schema.org/draft-07/schema") {
    throw new Error(`unexpected Compose schema dialect ${String(schema["$schema"])}`);
  }
  delete schema["$schema"];
  // The schema carries annotations ajv's strict mode does not know (`deprecated`).
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  return (doc) => {
    if (validate(doc)) return [];
    return (validate.errors ?? []).map((e) => ({
      path: e.instancePath || "/",
      message: `${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`,
    }));
  };
}
