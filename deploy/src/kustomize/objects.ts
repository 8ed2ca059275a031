/** A Kubernetes object as read from YAML. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export function isK8sObject(x: unknown): x is K8sObject {
  if (x === null || typeof x !== "object") return false;
  const o = x as Record<string, unknown>;
  const meta = o["metadata"] as Record<string, unknown> | undefined;
  return (
    typeof o["apiVersion"] === "string" &&
    typeof o["kind"] === "string" &&
    typeof meta?.["name"] === "string"
  );
}

/** Kinds that live outside namespaces (the ones a nightshift deployment could contain). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "ClusterTriggerAuthentication",
]);

export function namespaced(o: K8sObject): boolean {
  return !CLUSTER_SCOPED.has(o.kind);
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: Record<string, unknown>[];
  imagePullSecrets?: { name: string }[];
  [k: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: Record<string, Record<string, unknown>> }[];
  envFrom?: Record<string, { name: string } | string | undefined>[];
  [k: string]: unknown;
}

/** The pod template's spec of a workload (Deployment, StatefulSet, Job, CronJob, Pod …). */
export function podSpecOf(o: K8sObject): PodSpec | undefined {
  const spec = o["spec"] as Record<string, unknown> | undefined;
  if (spec === undefined) return undefined;
  if (o.kind === "Pod") return spec;
  if (o.kind === "CronJob") {
    const job = spec["jobTemplate"] as { spec?: { template?: { spec?: PodSpec } } } | undefined;
    return job?.spec?.template?.spec;
  }
  const template = spec["template"] as { spec?: PodSpec } | undefined;
  return ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(o.kind)
    ? template?.spec
    : undefined;
}

export function containersOf(o: K8sObject): Container[] {
  const pod = podSpecOf(o);
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}
