import { containersOf, podSpecOf, type K8sObject } from "./objects.ts";

type Kind = "ConfigMap" | "Secret";

/**
 * Points every reference to a renamed ConfigMap or Secret at its new name, in the places a
 * pod spec names them: volumes (also projected), env valueFrom, envFrom, imagePullSecrets.
 */
export function renameReferences(
  objects: K8sObject[],
  kind: Kind,
  from: string,
  to: string,
  namespace: string | undefined,
): void {
  for (const o of objects) {
    if (o.metadata.namespace !== namespace) continue;
    const pod = podSpecOf(o);
    if (pod === undefined) continue;
    for (const v of pod.volumes ?? []) {
      if (kind === "ConfigMap") {
        const cm = v["configMap"] as { name?: string } | undefined;
        if (cm?.name === from) cm.name = to;
      } else {
        const s = v["secret"] as { secretName?: string } | undefined;
        if (s?.secretName === from) s.secretName = to;
      }
      const projected = v["projected"] as
        { sources?: Record<string, { name?: string }>[] } | undefined;
      for (const src of projected?.sources ?? []) {
        const ref = src[kind === "ConfigMap" ? "configMap" : "secret"];
        if (ref?.name === from) ref.name = to;
      }
    }
    if (kind === "Secret")
      for (const s of pod.imagePullSecrets ?? []) if (s.name === from) s.name = to;
    for (const c of containersOf(o)) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.[kind === "ConfigMap" ? "configMapKeyRef" : "secretKeyRef"];
        if (ref?.["name"] === from) ref["name"] = to;
      }
      for (const e of c.envFrom ?? []) {
        const ref = e[kind === "ConfigMap" ? "configMapRef" : "secretRef"];
        if (typeof ref === "object" && ref.name === from) ref.name = to;
      }
    }
  }
}
