import { fileURLToPath } from "node:url";

/** The repository root (this file sits at deploy/src/paths.ts, built to deploy/dist/paths.js). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The generated NATS users file: in the kustomize base, and mounted from there by compose. */
export const NATS_AUTH_FILE = "k8s/base/nats/auth.conf";
