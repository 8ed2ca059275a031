import { describe, expect, it } from "vitest";
import type { K8sObject } from "../kustomize/objects.ts";
import { containersOf } from "../kustomize/objects.ts";
import { buildOverlay, literalEnv, overlays, workloads } from "./manifests.ts";
import { selects, type LabelSelector } from "./selectors.ts";

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: { port?: number | string; protocol?: string }[];
}
interface Policy {
  podSelector: LabelSelector;
  policyTypes: string[];
  egress?: Rule[];
  ingress?: Rule[];
}

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"];

function podLabels(o: K8sObject): Record<string, string> {
  const spec = o["spec"] as Record<string, unknown>;
  const tmpl = (
    o.kind === "CronJob"
      ? (spec["jobTemplate"] as { spec: { template: unknown } }).spec.template
      : spec["template"]
  ) as { metadata?: { labels?: Record<string, string> } };
  return tmpl.metadata?.labels ?? {};
}

describe.each(overlays())("NetworkPolicies in k8s/overlays/%s", (overlay) => {
  const objects = buildOverlay(overlay);
  const policies = objects
    .filter((o) => o.kind === "NetworkPolicy")
    .map((o) => ({ name: o.metadata.name, spec: o["spec"] as Policy }));
  const pods = workloads(objects);
  const egressOf = (labels: Record<string, string>) =>
    policies
      .filter((p) => p.spec.policyTypes.includes("Egress") && selects(p.spec.podSelector, labels))
      .flatMap((p) => (p.spec.egress ?? []).map((r) => ({ policy: p.name, rule: r })));

  it("deny everything not allowed", () => {
    expect(policies).toContainEqual({
      name: "default-deny",
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
  });

  it("let executors reach NATS, DNS and outside the cluster, and nothing else inside it", () => {
    const executor = pods.find((o) => o.metadata.name === "executor")!;
    const rules = egressOf(podLabels(executor));
    expect(rules.length).toBeGreaterThan(0);
    for (const { policy, rule } of rules) {
      expect(rule.to, `${policy}: a rule without "to" allows everything`).toBeDefined();
      for (const peer of rule.to ?? []) {
        if (peer.ipBlock !== undefined) {
          expect(["0.0.0.0/0", "::/0"]).toContain(peer.ipBlock.cidr);
          if (peer.ipBlock.cidr === "0.0.0.0/0")
            expect(peer.ipBlock.except).toEqual(expect.arrayContaining(PRIVATE));
          continue;
        }
        if (peer.namespaceSelector !== undefined) {
          expect(peer.podSelector, `${policy}: a whole namespace`).toEqual({
            matchLabels: { "k8s-app": "kube-dns" },
          });
          expect(rule.ports?.map((p) => p.port)).toEqual([53, 53]);
          continue;
        }
        const reached = pods
          .filter((o) => selects(peer.podSelector, podLabels(o)))
          .map((o) => o.metadata.name);
        expect(reached, `${policy} lets executors reach`).toEqual(["nats"]);
        expect(rule.ports).toEqual([{ port: 4222 }]);
      }
    }
  });

  it("let every pod that talks to NATS reach it, and NATS accept it", () => {
    const nats = pods.find((o) => o.metadata.name === "nats")!;
    const ingress = policies
      .filter((p) => selects(p.spec.podSelector, podLabels(nats)))
      .flatMap((p) => p.spec.ingress ?? [])
      .filter((r) => r.ports?.some((x) => x.port === 4222));
    for (const o of pods) {
      if (!containersOf(o).some((c) => literalEnv(c)["NATS_URL"] !== undefined)) continue;
      const labels = podLabels(o);
      const out = egressOf(labels).some(
        ({ rule }) =>
          rule.ports?.some((x) => x.port === 4222) &&
          rule.to?.some(
            (t) => t.podSelector !== undefined && selects(t.podSelector, podLabels(nats)),
          ),
      );
      expect(out, `${o.metadata.name} may connect to NATS`).toBe(true);
      const inn = ingress.some((r) =>
        r.from?.some((f) => f.namespaceSelector === undefined && selects(f.podSelector, labels)),
      );
      expect(inn, `NATS accepts ${o.metadata.name}`).toBe(true);
    }
  });

  it("let KEDA read NATS monitoring and the NATS servers reach each other", () => {
    const nats = pods.find((o) => o.metadata.name === "nats")!;
    const labels = podLabels(nats);
    const ingress = policies
      .filter((p) => selects(p.spec.podSelector, labels))
      .flatMap((p) => p.spec.ingress ?? []);
    expect(
      ingress.some(
        (r) =>
          r.ports?.some((x) => x.port === 8222) &&
          r.from?.some(
            (f) => f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "keda",
          ),
      ),
    ).toBe(true);
    expect(
      ingress.some(
        (r) =>
          r.ports?.some((x) => x.port === 6222) &&
          r.from?.some((f) => selects(f.podSelector, labels)),
      ),
    ).toBe(true);
    expect(egressOf(labels).some(({ rule }) => rule.ports?.some((x) => x.port === 6222))).toBe(
      true,
    );
  });
});
