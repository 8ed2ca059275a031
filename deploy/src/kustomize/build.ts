import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve, sep } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { generatedNameHash } from "./hash.ts";
import { applyJsonPatch, PatchOp } from "./json-patch.ts";
import { Kustomization, type PatchTarget } from "./kustomization.ts";
import { containersOf, isK8sObject, namespaced, type K8sObject } from "./objects.ts";
import { renameReferences } from "./references.ts";

/** A build failure, naming the kustomization directory it came from. */
export class KustomizeError extends Error {
  readonly code = "KUSTOMIZE" as const;
  constructor(dir: string, message: string) {
    super(`${dir}: ${message}`);
    this.name = "KustomizeError";
  }
}

/** kustomize's default load restriction: files only from within the kustomization's directory. */
function inside(dir: string, path: string): string {
  const p = resolve(dir, path);
  if (p !== dir && !p.startsWith(dir + sep)) {
    throw new KustomizeError(
      dir,
      `${path} is outside the kustomization directory (kustomize refuses it)`,
    );
  }
  return p;
}

function readObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message ?? "bad YAML"}`);
      return d.toJS() as unknown;
    })
    .filter((o) => o !== null)
    .map((o) => {
      if (!isK8sObject(o))
        throw new Error(`${file}: a document without apiVersion, kind or metadata.name`);
      return o;
    });
}

function envFile(text: string): [string, string][] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const i = l.indexOf("=");
      return i < 0 ? [l, ""] : [l.slice(0, i), l.slice(i + 1)];
    });
}

function matches(o: K8sObject, t: PatchTarget): boolean {
  const [group, version] = o.apiVersion.includes("/")
    ? o.apiVersion.split("/")
    : ["", o.apiVersion];
  if (t.kind !== undefined && t.kind !== o.kind) return false;
  if (t.name !== undefined && t.name !== o.metadata.name) return false;
  if (t.namespace !== undefined && t.namespace !== o.metadata.namespace) return false;
  if (t.group !== undefined && t.group !== group) return false;
  if (t.version !== undefined && t.version !== version) return false;
  if (t.labelSelector !== undefined) {
    for (const pair of t.labelSelector.split(",")) {
      const [k, v] = pair.split("=").map((s) => s.trim());
      if (k === undefined || o.metadata.labels?.[k] !== v) return false;
    }
  }
  return true;
}

function setImage(image: string, rule: Kustomization["images"][number]): string | undefined {
  const at = image.indexOf("@");
  const withoutDigest = at < 0 ? image : image.slice(0, at);
  const colon = withoutDigest.lastIndexOf(":");
  const hasTag = colon > withoutDigest.lastIndexOf("/");
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  if (name !== rule.name) return undefined;
  const tag = hasTag ? withoutDigest.slice(colon + 1) : undefined;
  const newName = rule.newName ?? name;
  if (rule.digest !== undefined) return `${newName}@${rule.digest}`;
  const newTag = rule.newTag ?? tag;
  return newTag === undefined ? newName : `${newName}:${newTag}`;
}

/**
 * `kustomize build <dir>` for the features k8s/ uses: resources (files and other
 * kustomizations), namespace, ConfigMap and Secret generators with kustomize's hash suffixes
 * and reference updates, JSON 6902 patches, replicas and images.
 */
export function kustomizeBuild(dir: string): K8sObject[] {
  const root = resolve(dir);
  const file = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
    .map((f) => join(root, f))
    .find(existsSync);
  if (file === undefined) throw new KustomizeError(root, "no kustomization.yaml");
  const parsed = Kustomization.safeParse(parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    throw new KustomizeError(
      root,
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  }
  const k = parsed.data;
  const objects: K8sObject[] = [];
  for (const r of k.resources) {
    const p = resolve(root, r);
    if (existsSync(p) && statSync(p).isDirectory()) objects.push(...kustomizeBuild(p));
    else objects.push(...readObjects(inside(root, r)));
  }

  const generated: { obj: K8sObject; hash: boolean }[] = [];
  const generate = (
    kind: "ConfigMap" | "Secret",
    g: Kustomization["configMapGenerator"][number],
  ): void => {
    const data: Record<string, string> = {};
    for (const f of g.files) {
      const [key, path] = f.includes("=")
        ? (f.split("=", 2) as [string, string])
        : [basename(f), f];
      data[key] = readFileSync(inside(root, path), "utf8");
    }
    for (const e of g.envs)
      for (const [key, v] of envFile(readFileSync(inside(root, e), "utf8"))) data[key] = v;
    for (const l of g.literals) {
      const i = l.indexOf("=");
      data[l.slice(0, i)] = l.slice(i + 1);
    }
    const encoded =
      kind === "Secret"
        ? Object.fromEntries(
            Object.entries(data).map(([key, v]) => [key, Buffer.from(v).toString("base64")]),
          )
        : data;
    const obj: K8sObject = { apiVersion: "v1", kind, metadata: { name: g.name }, data: encoded };
    if (kind === "Secret") obj["type"] = g.type ?? "Opaque";
    const noHash =
      g.options?.disableNameSuffixHash ?? k.generatorOptions?.disableNameSuffixHash ?? false;
    generated.push({ obj, hash: !noHash });
    objects.push(obj);
  };
  for (const g of k.configMapGenerator) generate("ConfigMap", g);
  for (const g of k.secretGenerator) generate("Secret", g);

  if (k.namespace !== undefined) {
    for (const o of objects) if (namespaced(o)) o.metadata.namespace = k.namespace;
  }

  let patched = objects;
  for (const p of k.patches) {
    const text =
      p.patch ?? (p.path !== undefined ? readFileSync(inside(root, p.path), "utf8") : undefined);
    if (text === undefined) throw new KustomizeError(root, "a patch needs `patch` or `path`");
    const ops = PatchOp.array().safeParse(parse(text));
    if (!ops.success)
      throw new KustomizeError(root, "only JSON 6902 patches (a list of operations) are supported");
    let hit = 0;
    patched = patched.map((o) => {
      if (!matches(o, p.target)) return o;
      hit++;
      try {
        return applyJsonPatch(o, ops.data);
      } catch (err) {
        throw new KustomizeError(
          root,
          `patch on ${o.kind}/${o.metadata.name}: ${(err as Error).message}`,
        );
      }
    });
    if (hit === 0)
      throw new KustomizeError(root, `patch target ${JSON.stringify(p.target)} matches nothing`);
  }

  for (const r of k.replicas) {
    const targets = patched.filter(
      (o) =>
        ["Deployment", "StatefulSet", "ReplicaSet"].includes(o.kind) && o.metadata.name === r.name,
    );
    if (targets.length === 0)
      throw new KustomizeError(root, `replicas: no workload named ${r.name}`);
    for (const o of targets) (o["spec"] as Record<string, unknown>)["replicas"] = r.count;
  }

  for (const rule of k.images) {
    for (const o of patched) {
      for (const c of containersOf(o)) {
        const next = c.image === undefined ? undefined : setImage(c.image, rule);
        if (next !== undefined) c.image = next;
      }
    }
  }

  for (const { obj, hash } of generated) {
    if (!hash) continue;
    const kind = obj.kind as "ConfigMap" | "Secret";
    const name = obj.metadata.name;
    const suffix = generatedNameHash({
      kind,
      name,
      data: obj["data"] as Record<string, string>,
      ...(kind === "Secret" ? { type: obj["type"] as string } : {}),
    });
    const target = patched.find(
      (o) =>
        o.kind === kind &&
        o.metadata.name === name &&
        o.metadata.namespace === obj.metadata.namespace,
    );
    if (target === undefined) continue;
    target.metadata.name = `${name}-${suffix}`;
    renameReferences(patched, kind, name, target.metadata.name, obj.metadata.namespace);
  }

  const seen = new Set<string>();
  for (const o of patched) {
    const id = `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    if (seen.has(id)) throw new KustomizeError(root, `two objects are ${id}`);
    seen.add(id);
  }
  return patched;
}
