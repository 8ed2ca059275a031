import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseConfig, type NightshiftConfig } from "@nightshift/config";
import { kustomizeBuild } from "../kustomize/build.ts";
import { containersOf, type Container, type K8sObject } from "../kustomize/objects.ts";
import { REPO_ROOT } from "../paths.ts";

export const K8S_DIR = join(REPO_ROOT, "k8s");

/** Every overlay under k8s/overlays: what users apply. */
export function overlays(): string[] {
  return readdirSync(join(K8S_DIR, "overlays")).sort();
}

export function buildOverlay(name: string): K8sObject[] {
  return kustomizeBuild(join(K8S_DIR, "overlays", name));
}

export function buildBase(): K8sObject[] {
  return kustomizeBuild(join(K8S_DIR, "base"));
}

/** Objects that run pods. */
export function workloads(objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((o) => containersOf(o).length > 0);
}

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`no ${kind}/${name}`);
  return o;
}

/** The images built from deploy/Dockerfile, by the name the manifests give them. */
export const NIGHTSHIFT_IMAGES = ["nightshift", "nightshift-executor"];

export function isNightshiftContainer(c: Container): boolean {
  const name = (c.image ?? "").split("@")[0]?.replace(/:[^/:]*$/, "") ?? "";
  return NIGHTSHIFT_IMAGES.some((i) => name === i || name.endsWith(`/${i}`));
}

/** The nightshift.yml a build mounts: the data of its nightshift-config ConfigMap. */
export function clusterConfigText(objects: readonly K8sObject[]): string {
  const cm = objects.find(
    (o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("nightshift-config"),
  );
  const text = (cm?.["data"] as Record<string, string> | undefined)?.["nightshift.yml"];
  if (text === undefined) throw new Error("no nightshift-config ConfigMap with nightshift.yml");
  return text;
}

export function clusterConfig(objects: readonly K8sObject[]): NightshiftConfig {
  return parseConfig(parse(clusterConfigText(objects)), {}).config;
}

/** A container's literal environment (values only; references are resolved by the kubelet). */
export function literalEnv(c: Container): Record<string, string> {
  return Object.fromEntries(
    (c.env ?? []).flatMap((e) => (e.value !== undefined ? [[e.name, e.value]] : [])),
  );
}

/** The data of a generated ConfigMap file, e.g. nats.conf. */
export function configFile(objects: readonly K8sObject[], configMap: string, key: string): string {
  const cm = objects.find(
    (o) => o.kind === "ConfigMap" && o.metadata.name.startsWith(`${configMap}-`),
  );
  const text = (cm?.["data"] as Record<string, string> | undefined)?.[key];
  if (text === undefined) throw new Error(`no ${key} in ConfigMap ${configMap}`);
  return text;
}

export function readK8sFile(path: string): string {
  return readFileSync(join(K8S_DIR, path), "utf8");
}
