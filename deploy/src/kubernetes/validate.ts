import type { K8sObject } from "../kustomize/objects.ts";

/**
 * Where the JSON schemas of each API group come from (pinned in deploy/package.json):
 * `kubernetes-models` 5.1.0 is generated from Kubernetes v1.36.0's OpenAPI document, and
 * `@kubernetes-models/keda` 2.0.0 from KEDA's CRD types. Both compile the schemas into ajv
 * validators.
 */
function modelModule(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (!/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  if (group === "keda.sh") return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  if (
    group === "apps" ||
    group === "batch" ||
    group === "policy" ||
    group === "autoscaling" ||
    group?.endsWith(".k8s.io")
  ) {
    return `kubernetes-models/${group}/${version}/${kind}`;
  }
  return undefined;
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

export interface ManifestProblem {
  object: string;
  message: string;
}

/** Validates one object against the schema of its apiVersion and kind; unknown kinds are problems. */
export async function validateObject(o: K8sObject): Promise<ManifestProblem[]> {
  const object = `${o.kind}/${o.metadata.name}`;
  const spec = modelModule(o.apiVersion, o.kind);
  if (spec === undefined) return [{ object, message: `no schema for ${o.apiVersion} ${o.kind}` }];
  let Cls: ModelClass | undefined;
  try {
    Cls = ((await import(spec)) as Record<string, ModelClass | undefined>)[o.kind];
  } catch {
    Cls = undefined;
  }
  if (Cls === undefined) return [{ object, message: `no schema for ${o.apiVersion} ${o.kind}` }];
  try {
    new Cls(o).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (errors === undefined) return [{ object, message: (err as Error).message }];
    return errors.map((e) => ({
      object,
      message: `${e.instancePath || "/"} ${e.message ?? "is invalid"}`,
    }));
  }
}

export async function validateObjects(objects: readonly K8sObject[]): Promise<ManifestProblem[]> {
  return (await Promise.all(objects.map(validateObject))).flat();
}
