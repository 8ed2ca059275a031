import { z } from "zod";
import { ApiConfig } from "./sections/api.ts";
import { BackendsConfig } from "./sections/backends.ts";
import { BudgetsConfig } from "./sections/budgets.ts";
import { EmailConfig } from "./sections/email.ts";
import { ExecutorConfig } from "./sections/executor.ts";
import { GitHubConfig } from "./sections/github.ts";
import { HttpConfig } from "./sections/http.ts";
import { LogConfig } from "./sections/log.ts";
import { NatsConfig } from "./sections/nats.ts";
import { PricesConfig } from "./sections/prices.ts";
import { SandboxConfig } from "./sections/sandbox.ts";
import { PollerConfig } from "./sections/poller.ts";
import { NotifierConfig } from "./sections/notifier.ts";
import { SchedulesConfig } from "./sections/schedules.ts";
import { PromptsConfig } from "./sections/prompts.ts";
import { RepositoriesConfig } from "./sections/repositories.ts";
import { SupervisionConfig } from "./sections/supervision.ts";
import { WorkspaceConfig } from "./sections/workspace.ts";

/** The whole of `nightshift.yml`. Unknown keys are errors: a setting either works or does not exist. */
export const NightshiftConfig = z
  .strictObject({
    nats: NatsConfig.default(NatsConfig.parse({})),
    http: HttpConfig.default(HttpConfig.parse({})),
    log: LogConfig.default(LogConfig.parse({})),
    executor: ExecutorConfig.default(ExecutorConfig.parse({})),
    workspace: WorkspaceConfig.default(WorkspaceConfig.parse({})),
    backends: BackendsConfig.default({}),
    sandbox: SandboxConfig.default(SandboxConfig.parse({})),
    prices: PricesConfig.default({}),
    github: GitHubConfig.default(GitHubConfig.parse({})),
    poller: PollerConfig.default(PollerConfig.parse({})),
    schedules: SchedulesConfig.default({}),
    notifier: NotifierConfig.default(NotifierConfig.parse({})),
    prompts: PromptsConfig.default(PromptsConfig.parse({})),
    budgets: BudgetsConfig.default(BudgetsConfig.parse({})),
    supervision: SupervisionConfig.default(SupervisionConfig.parse({})),
    repositories: RepositoriesConfig,
    api: ApiConfig.default(ApiConfig.parse({})),
    /** The email gateway; absent, the gateway does nothing. */
    email: EmailConfig.optional(),
  })
  .superRefine((c, ctx) => {
    const def = c.executor.defaultBackend;
    if (def !== undefined && !(def in c.backends)) {
      ctx.addIssue({
        code: "custom",
        path: ["executor", "defaultBackend"],
        message: `names backend "${def}", which is not defined under backends (defined: ${Object.keys(c.backends).join(", ") || "none"})`,
      });
    }
    if (c.sandbox.egress?.strict === true && c.sandbox.driver === "none") {
      ctx.addIssue({
        code: "custom",
        path: ["sandbox", "egress", "strict"],
        message: "strict egress needs a network namespace: use driver bwrap (or auto)",
      });
    }
    const pollerBackend = c.poller.backend;
    if (pollerBackend !== undefined && !(pollerBackend in c.backends)) {
      ctx.addIssue({
        code: "custom",
        path: ["poller", "backend"],
        message: `names backend "${pollerBackend}", which is not defined under backends`,
      });
    }
  });
export type NightshiftConfig = z.infer<typeof NightshiftConfig>;
