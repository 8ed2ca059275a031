import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kustomizeBuild } from "./build.ts";
import { generatedNameHash } from "./hash.ts";
import { applyJsonPatch } from "./json-patch.ts";
import { containersOf, podSpecOf } from "./objects.ts";

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ns-kustomize-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: web:1.0
          envFrom: [{ secretRef: { name: creds } }]
          env:
            - name: A
              valueFrom: { configMapKeyRef: { name: settings, key: a } }
      volumes:
        - name: cfg
          configMap: { name: settings }
`;

describe("generated names", () => {
  it("hash as kubectl kustomize v5.5.0 does (vectors taken from its output)", () => {
    expect(generatedNameHash({ kind: "ConfigMap", name: "a", data: { x: "y" } })).toBe(
      "6gc9d749f7",
    );
    expect(generatedNameHash({ kind: "ConfigMap", name: "b", data: { x: "a>b" } })).toBe(
      "78562kkk69",
    );
    expect(
      generatedNameHash({ kind: "Secret", name: "s", data: { p: "cQ==" }, type: "Opaque" }),
    ).toBe("hb2dth72f6");
  });
});

describe("JSON 6902 patches", () => {
  it("add, replace, remove and test, and refuse paths that do not exist", () => {
    const doc = { a: { b: [1, 2] }, c: "x" };
    expect(
      applyJsonPatch(doc, [
        { op: "test", path: "/c", value: "x" },
        { op: "add", path: "/a/b/-", value: 3 },
        { op: "replace", path: "/c", value: "y" },
        { op: "remove", path: "/a/b/0" },
      ]),
    ).toEqual({ a: { b: [2, 3] }, c: "y" });
    expect(doc.c).toBe("x");
    expect(() => applyJsonPatch(doc, [{ op: "replace", path: "/nope/x", value: 1 }])).toThrow(
      /does not exist/,
    );
    expect(() => applyJsonPatch(doc, [{ op: "test", path: "/c", value: "z" }])).toThrow(/test/);
  });
});

describe("kustomizeBuild", () => {
  it("builds an overlay: namespace, generators with hashed names and updated references, patches, images, replicas", () => {
    const dir = tree({
      "base/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources: [web.yaml]
configMapGenerator:
  - name: settings
    literals: [a=1]
`,
      "base/web.yaml": deployment,
      "prod/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources: [../base]
secretGenerator:
  - name: creds
    envs: [creds.env]
images:
  - name: web
    newName: registry.example/web
    newTag: "2.0"
replicas:
  - name: web
    count: 3
patches:
  - target: { kind: Deployment, name: web }
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/args
        value: ["--fast"]
`,
      "prod/creds.env": "# comment\nTOKEN=abc\n",
    });
    const out = kustomizeBuild(join(dir, "prod"));
    const web = out.find((o) => o.kind === "Deployment")!;
    const cm = out.find((o) => o.kind === "ConfigMap")!;
    const secret = out.find((o) => o.kind === "Secret")!;
    expect(cm.metadata.name).toMatch(/^settings-[a-z0-9]{10}$/);
    expect(cm.metadata.namespace).toBe("shop");
    expect(secret.metadata.name).toMatch(/^creds-[a-z0-9]{10}$/);
    expect(secret["data"]).toEqual({ TOKEN: Buffer.from("abc").toString("base64") });
    const c = containersOf(web)[0]!;
    expect(c.image).toBe("registry.example/web:2.0");
    expect(c.args).toEqual(["--fast"]);
    expect(c.envFrom?.[0]).toEqual({ secretRef: { name: secret.metadata.name } });
    expect(c.env?.[0]?.valueFrom?.["configMapKeyRef"]?.["name"]).toBe(cm.metadata.name);
    expect(podSpecOf(web)?.volumes?.[0]).toEqual({
      name: "cfg",
      configMap: { name: cm.metadata.name },
    });
    expect((web["spec"] as { replicas: number }).replicas).toBe(3);
  });

  it("refuses what it does not implement, files outside the directory, and patches that match nothing", () => {
    const head = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
    expect(() =>
      kustomizeBuild(tree({ "kustomization.yaml": `${head}commonLabels: { a: b }\n` })),
    ).toThrow(/commonLabels/);
    const outside = tree({
      "k/kustomization.yaml": `${head}resources: [../web.yaml]\n`,
      "web.yaml": deployment,
    });
    expect(() => kustomizeBuild(join(outside, "k"))).toThrow(/outside the kustomization directory/);
    const miss = tree({
      "kustomization.yaml": `${head}resources: [web.yaml]\npatches:\n  - target: { kind: Deployment, name: api }\n    patch: "[]"\n`,
      "web.yaml": deployment,
    });
    expect(() => kustomizeBuild(miss)).toThrow(/matches nothing/);
    const smp = tree({
      "kustomization.yaml": `${head}resources: [web.yaml]\npatches:\n  - target: { kind: Deployment }\n    patch: "spec: {replicas: 2}"\n`,
      "web.yaml": deployment,
    });
    expect(() => kustomizeBuild(smp)).toThrow(/JSON 6902/);
  });
});
