export { SERVICE_POLICIES, ADMIN_USER, passwordVariable } from "./nats-auth/policy.ts";
export type { UserPolicy, Access } from "./nats-auth/policy.ts";
export { renderAuthorization, subjectPermissions } from "./nats-auth/render.ts";
export { REPO_ROOT, NATS_AUTH_FILE } from "./paths.ts";
