import { describe, expect, it } from "vitest";
import type { K8sObject } from "../kustomize/objects.ts";
import { buildBase, buildOverlay, find, overlays } from "./manifests.ts";
import { validateObjects } from "./validate.ts";

describe("k8s manifests after kustomize build, against Kubernetes v1.36 and KEDA schemas", () => {
  it("has the dev and production overlays", () => {
    expect(overlays()).toEqual(["dev", "production"]);
  });

  it.each(["base", ...overlays()])("%s validates", async (name) => {
    const objects = name === "base" ? buildBase() : buildOverlay(name);
    expect(objects.length).toBeGreaterThan(20);
    expect(await validateObjects(objects)).toEqual([]);
  });

  it("fails when a required field is removed, a type is wrong, or a kind is unknown", async () => {
    const objects = buildOverlay("production");
    const edit = (
      kind: string,
      name: string,
      change: (o: Record<string, Record<string, unknown>>) => void,
    ): K8sObject => {
      const copy = structuredClone(find(objects, kind, name));
      change(copy as unknown as Record<string, Record<string, unknown>>);
      return copy;
    };
    const noSelector = edit("Deployment", "executor", (o) => delete o["spec"]?.["selector"]);
    expect(await validateObjects([noSelector])).toContainEqual({
      object: "Deployment/executor",
      message: expect.stringContaining("selector") as string,
    });
    const noTarget = edit("ScaledObject", "executor", (o) => delete o["spec"]?.["scaleTargetRef"]);
    expect((await validateObjects([noTarget])).map((p) => p.message).join()).toContain(
      "scaleTargetRef",
    );
    const badReplicas = edit("StatefulSet", "nats", (o) => {
      o["spec"]!["replicas"] = "three";
    });
    expect((await validateObjects([badReplicas])).map((p) => p.message).join()).toContain(
      "/spec/replicas",
    );
    const noPort = edit("NetworkPolicy", "nats-clients", (o) => {
      const egress = o["spec"]!["egress"] as { ports: Record<string, unknown>[] }[];
      egress[0]!.ports[0]!["port"] = { nested: true };
    });
    expect(await validateObjects([noPort])).not.toEqual([]);
    const unknown = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } };
    expect(await validateObjects([unknown])).toEqual([
      { object: "Widget/w", message: "no schema for example.com/v1 Widget" },
    ]);
  });
});
