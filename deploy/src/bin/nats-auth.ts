#!/usr/bin/env node
// Writes the NATS users and permissions file from deploy/src/nats-auth/policy.ts.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderAuthorization } from "../nats-auth/render.ts";
import { SERVICE_POLICIES } from "../nats-auth/policy.ts";
import { NATS_AUTH_FILE, REPO_ROOT } from "../paths.ts";

writeFileSync(join(REPO_ROOT, NATS_AUTH_FILE), renderAuthorization(SERVICE_POLICIES));
process.stdout.write(`wrote ${NATS_AUTH_FILE}\n`);
