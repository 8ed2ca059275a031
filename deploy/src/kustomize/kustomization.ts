import { z } from "zod";

const Target = z.strictObject({
  group: z.string().optional(),
  version: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  labelSelector: z.string().optional(),
});

const Generator = z.strictObject({
  name: z.string().min(1),
  files: z.array(z.string()).default([]),
  literals: z.array(z.string()).default([]),
  envs: z.array(z.string()).default([]),
  type: z.string().optional(),
  options: z.strictObject({ disableNameSuffixHash: z.boolean().optional() }).optional(),
});

/**
 * The part of kustomize's Kustomization that k8s/ uses. Anything else is an error rather than
 * silently ignored, so the manifests cannot drift beyond what this build understands.
 */
export const Kustomization = z.strictObject({
  apiVersion: z.literal("kustomize.config.k8s.io/v1beta1"),
  kind: z.literal("Kustomization"),
  namespace: z.string().optional(),
  resources: z.array(z.string()).default([]),
  configMapGenerator: z.array(Generator).default([]),
  secretGenerator: z.array(Generator).default([]),
  generatorOptions: z.strictObject({ disableNameSuffixHash: z.boolean().optional() }).optional(),
  images: z
    .array(
      z.strictObject({
        name: z.string(),
        newName: z.string().optional(),
        newTag: z.string().optional(),
        digest: z.string().optional(),
      }),
    )
    .default([]),
  replicas: z
    .array(z.strictObject({ name: z.string(), count: z.number().int().min(0) }))
    .default([]),
  /** JSON 6902 patches only: `patch` is a YAML list of operations, `target` selects objects. */
  patches: z
    .array(
      z.strictObject({
        path: z.string().optional(),
        patch: z.string().optional(),
        target: Target,
      }),
    )
    .default([]),
});
export type Kustomization = z.infer<typeof Kustomization>;
export type PatchTarget = z.infer<typeof Target>;
