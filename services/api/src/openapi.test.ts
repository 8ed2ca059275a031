import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { API_ROUTES } from "@nightshift/client";
import { openApiDocument } from "./openapi.ts";

interface Doc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters: { name: string; in: string; required: boolean }[];
        requestBody?: { required: boolean };
        responses: Record<string, unknown>;
      }
    >
  >;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
  };
}

describe("OpenAPI document", () => {
  const doc = openApiDocument({ version: "1.0.0" });

  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc));
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("lists every route with its parameters, body and responses", () => {
    const d = doc as unknown as Doc;
    for (const [id, r] of Object.entries(API_ROUTES)) {
      const op = d.paths[r.path.replace(/:(\w+)/g, "{$1}")]?.[r.method];
      expect(op, id).toBeDefined();
      expect(Object.keys(op!.responses)).toContain(String("status" in r ? r.status : 200));
      expect(Object.keys(op!.responses)).toEqual(expect.arrayContaining(["400", "401", "404"]));
    }
    const list = d.paths["/api/v1/tasks"]!["get"]!;
    expect(list.parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual([
      "query:state:false",
      "query:waitReason:false",
      "query:source:false",
      "query:repo:false",
      "query:since:false",
      "query:until:false",
      "query:limit:false",
    ]);
    expect(d.paths["/api/v1/tasks/{id}"]!["get"]!.parameters[0]).toMatchObject({
      in: "path",
      name: "id",
      required: true,
    });
    expect(d.paths["/api/v1/tasks"]!["post"]!.requestBody?.required).toBe(true);
    expect(d.paths["/api/v1/tasks/{id}/cancel"]!["post"]!.requestBody?.required).toBe(false);
  });

  it("derives the request and response schemas from the zod schemas", () => {
    const s = (doc as unknown as Doc).components.schemas;
    expect(s["SubmitTaskRequest"]?.required).toEqual(["prompt"]);
    expect(Object.keys(s["SubmitTaskRequest"]?.properties ?? {})).toEqual(
      expect.arrayContaining(["prompt", "repo", "backend", "timeoutSec", "card", "labels"]),
    );
    expect(s["GetTaskResponse"]?.required).toEqual(
      expect.arrayContaining(["id", "task", "state", "attempts", "usage", "transitions"]),
    );
    expect(s["ApiError"]?.required).toEqual(["error"]);
  });
});
