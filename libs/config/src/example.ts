/**
 * The commented example configuration `nightshift init` writes. The repository's own
 * `nightshift.yml` is this text; a test keeps the two identical and checks that it parses.
 */
export const EXAMPLE_CONFIG = `# nightshift configuration. Secrets never go here: they come from the environment
# (GITHUB_TOKEN, ANTHROPIC_API_KEY, OPENAI_API_KEY, NATS_USER/NATS_PASSWORD, ...).
# Durations accept 500ms, 30s, 5m, 1h, 2d or a number of milliseconds.

nats:
  # url: nats://127.0.0.1:4222   # or NATS_URL; unset, \`nightshift up\` starts its own server
  replicas: 1                    # 3 on a cluster
  ackWait: 60s                   # a task without a heartbeat this long is redelivered
  heartbeat: 15s                 # working() and lease renewal interval for running tasks
  leaseTtl: 90s                  # a repository lease expires this long after its last renewal

http:
  host: 127.0.0.1                # NIGHTSHIFT_HTTP_HOST; 0.0.0.0 in containers
  port: 8080                     # NIGHTSHIFT_HTTP_PORT; /livez /readyz /status /metrics

log:
  level: info                    # LOG_LEVEL
  format: json                   # or pretty

executor:
  slots: 2                       # tasks run at once by one executor process
  workspaces: .nightshift/workspaces
  defaultBackend: shell
  timeout: 1h                    # wall-clock limit for tasks that set none
  killGrace: 10s                 # SIGTERM to SIGKILL of the agent's process group
  maxAttempts: 3                 # attempts before a task is dead-lettered
  retryDelay: 30s
  busyDelay: 5s                  # how soon a task whose repository is busy is looked at again
  drainTimeout: 30s              # on shutdown, time given to running tasks
  wrapUp: 2m                     # tell the agent to finish this long before its time limit
  sessionArchive: 1m             # save the agent's session to the object store this often
  # maxTasks: 1                  # stop after this many tasks (one-shot runs, Kubernetes Jobs)

# Git workspaces: one bare mirror per repository, a clone of it per task (under
# executor.workspaces) on branch nightshift/<taskId>.
workspace:
  # mirrors: /var/lib/mirrors    # shared by a repository's tasks; default <executor.workspaces>/.mirrors
  ttl: 24h                       # a workspace whose executor is gone is removed after this idle time
  sweepInterval: 10m             # how often finished and stale workspaces are looked for
  quota: 10GiB                   # disk per workspace (KB/MB/GB or KiB/MiB/GiB); over it the task stops
  quotaInterval: 15s             # how often a running task's workspace is measured

# Agent backends, by name. Tasks pick one with --backend.
backends:
  # Runs the prompt as a shell script in the workspace: for trying things out.
  shell:
    type: command
    argv: ["sh", "-c", "{prompt}"]
  # Any agent CLI by argv template; {prompt} {taskId} {workspace} {model} {maxTurns} are replaced.
  echo:
    type: command
    argv: ["sh", "-c", "cat > AGENT_NOTES.md"]
    prompt: stdin                # the prompt goes to the agent's stdin
    promptText: built            # nightshift's full prompt (default without a preset: the task's text)
  # Claude Code (npm i -g @anthropic-ai/claude-code); needs ANTHROPIC_API_KEY
  # (or CLAUDE_CODE_OAUTH_TOKEN with credential: CLAUDE_CODE_OAUTH_TOKEN).
  # claude:
  #   type: claude-code
  #   model: claude-sonnet-4-6
  #   maxTurns: 50               # for tasks that set none
  #   permissionMode: bypassPermissions   # or acceptEdits, with allowedTools: [Read, Edit, Bash]
  #   appendSystemPrompt: "Run the tests before you finish."
  #   rateLimitFallback: 60s     # wait after a 429 that names no reset time
  # Codex (npm i -g @openai/codex); needs OPENAI_API_KEY. baseUrl: any Responses API endpoint.
  # codex:
  #   type: codex
  #   model: gpt-5-codex
  #   sandbox: danger-full-access  # codex's own sandbox; nightshift's contains it already
  #   baseUrl: https://api.openai.com/v1
  # nightshift's own loop on the Messages API (tools run in the sandbox); needs ANTHROPIC_API_KEY.
  # api:
  #   type: anthropic
  #   model: claude-sonnet-4-6
  #   maxTurns: 50
  #   tools: [read_file, write_file, edit_file, list_files, search, run_shell]
  # Other agent CLIs by preset: aider, gptme, opencode.
  # aider:
  #   type: command
  #   preset: aider
  #   model: sonnet

# Where agents run. bwrap: bubblewrap with a read-only system, only the workspace and a
# private home writable, no view of the executor's files or secrets; none: the pod is the
# sandbox (Kubernetes); auto: bwrap when it works on this machine.
sandbox:
  driver: auto
  user: { uid: 10000, gid: 10000 }  # agents run as uid 10000.. (one per slot) when the executor is root
  # homes: .nightshift/workspaces/.homes   # each task's private HOME (agent sessions live here)
  # limits:
  #   memory: 4g                 # data per process
  #   processes: 512             # per task (needs root: one uid per task)
  #   fileSize: 1g
  # readOnly: [/opt/tools]       # extra host paths agents may read
  # egress:                      # only these hosts, through a proxy in the executor
  #   allow: [api.anthropic.com, api.openai.com, "*.github.com"]
  #   strict: true               # no network in the sandbox but the proxy (bwrap only)

# Model prices in USD per million tokens, by model id prefix; built in for current Claude
# and GPT models. Entries here add to them or replace them.
# prices:
#   my-model: { input: 1, output: 4, cacheWrite: 1.25, cacheRead: 0.1 }

# Prompt templates by task kind (adhoc, issue, pr-checks, pr-review, email, schedule, or
# default), replacing the built-in ones; review is the review loop's reviewer prompt.
# Template variables: {{prompt}} {{card}} {{snapshot}} {{instructions}} {{fix_list}} {{rounds}}
# {{result_contract}} {{review_request}} {{repo}} {{branch}} {{task_id}} {{kind}}
# {{source}}; any other {{name}} is a config error.
# prompts:
#   system: "Follow the repository's CONTRIBUTING.md."
#   templates:
#     schedule: |
#       {{instructions}}
#       Nightly maintenance: {{prompt}}
#       {{result_contract}}

# Per-repository settings; the first entry whose match equals the task's repository URL,
# path or repo key (or *) applies.
# repositories:
#   - match: https://github.com/acme/web.git
#     check:                       # runs in the sandbox after the agent (and at every
#       command: npm test          # review-loop round's head); failure is a regression
#       timeout: 10m
#     landing:                     # review loop: merge an approved task into the base
#       enabled: true              # branch (off by default; named repositories only, and
#       paths: ["src/**", "test/**"]  # only with a check that passed at the approved head);
#                                  # any changed file outside paths: ready for review

# Review loops (tasks with loop: submit --loop or --rounds, a card's loop, a nightshift-card
# block in an issue or mail): who plays each role when the task does not say. Unset, the
# worker is the task's backend and the reviewer plays on the worker's backend. A model here
# is used only with the backend named next to it.
# loop:
#   worker: { backend: claude }
#   reviewer: { backend: claude, model: claude-opus-4-1 }

# Daily spending limits (UTC days), counted from every backend's token usage. A task whose
# repository or source is over its limit waits (reason budget) until the next day.
# budgets:
#   perRepoDailyUsd: 20
#   repos:
#     https://github.com/acme/web: 50
#   perSourceDailyUsd:
#     email: 5

# Where tasks submitted with --mode supervised stop for approve/reject.
# supervision:
#   checkpoints: [before-push, on-blocker, on-regression]   # also: every-turns
#   everyTurns: 20
#   approvalTimeout: 24h         # unanswered: the task is cancelled (approval-timeout)

# Tasks on a clock. Any number of schedulers may run: one holds the leader lease and fires.
# \`nightshift trigger <name>\` fires one slot by hand (what a Kubernetes CronJob runs);
# \`nightshift pause|resume [--schedule name]\` stops and restarts firing.
# schedules:
#   nightly-deps:
#     cron: "0 2 * * *"              # croner; with 6 fields the first is seconds
#     timezone: Europe/Berlin        # IANA zone the expression is read in (default UTC)
#     enabled: true
#     jitter: 5m                     # each fire is delayed by a stable amount up to this
#     missed: skip                   # fires due while no scheduler ran: skip, or run-once
#     grace: 5m                      # a fire this late after a restart or hand-over still runs
#     gate:                          # a cheap check first: no pass, no task, no tokens spent
#       type: command                # exit code 0 means there is work
#       command: test -s /srv/queue/pending.txt
#       timeout: 30s
#       # cwd: /srv/queue
#       # or: type: github-issues, repo: acme/web, label: nightshift (GITHUB_TOKEN, GITHUB_API_URL)
#     task:
#       prompt: Update the dependencies and fix what breaks.
#       # card: { goal: ..., acceptance: [...] }   # instead of or as well as the prompt
#       repo: https://github.com/acme/web.git
#       base: main
#       backend: shell
#       # model: claude-sonnet-4-6
#       mode: autonomous             # or supervised
#       limits: { timeout: 30m, maxTurns: 50, maxCostUsd: 5 }
#       labels: { team: web }

# Telling people what happened. A rule sends matching events to its channels.
# notifier:
#   progressInterval: 5m           # progress of one task is coalesced to one message per interval
#   retryDelay: 5s                 # a failing channel is retried after this, doubling ...
#   retryMaxDelay: 10m             # ... up to this
#   maxAttempts: 10                # then that channel gives up on that notification
#   taskUrl: https://nightshift.example.com/tasks/{taskId}
#   channels:
#     team:
#       type: slack                  # incoming webhook, URL from SLACK_WEBHOOK_URL
#       webhookUrlEnv: SLACK_WEBHOOK_URL
#       timeout: 10s
#     ci:
#       type: webhook                # JSON POST, X-Nightshift-Signature: sha256=HMAC(secret, "<timestamp>.<body>")
#       url: https://ci.example.com/hooks/nightshift
#       secretEnv: NIGHTSHIFT_WEBHOOK_SECRET
#     oncall:
#       type: email                  # sent by the email gateway
#       to: [oncall@example.com]
#     threads:
#       type: source                 # a comment in the task's own GitHub or Linear thread
#   rules:
#     - channels: [team, ci]         # by default: succeeded, failed, blocked, cancelled, escalation
#     - channels: [oncall]
#       on: [failed, blocked, escalation]
#       sources: [schedule]
#       schedules: [nightly-deps]
#       repos: [acme/web]
#     - channels: [threads]
#       on: [running, round, succeeded, failed, blocked]
#       sources: [github, linear]

# HTTP API and dashboard (\`nightshift service api\`, and part of \`nightshift up\`), served on
# the http address above: /api/v1/..., /api/openapi.json, /dashboard/. Bearer tokens come
# from NIGHTSHIFT_API_TOKENS ("name:token,..."); without any the API is off, except under
# \`nightshift up\` on a loopback address.
api:
  maxBodyBytes: 262144           # larger request bodies are refused with 413
  sampleInterval: 5s             # queue depth / dispatch latency sampling for the charts
  samples: 720                   # samples kept (one hour at 5s)

# The email gateway: mail To the agent's address becomes a task; the outcome is replied in the
# same thread. Absent, the gateway does nothing. IMAP_PASSWORD and SMTP_PASSWORD come from the
# environment.
# email:
#   address: agent@example.com       # work arrives To this address; replies go out From it
#   name: nightshift                 # display name on outgoing mail
#   aliases: []                      # further addresses that count as the agent's own
#   imap:
#     host: imap.example.com
#     security: tls                  # tls (port 993), starttls (143) or none
#     user: agent@example.com
#     reconnectMin: 1s               # backoff after a dropped connection, doubling up to max
#     reconnectMax: 5m
#     pollInterval: 1m               # look for mail even when IDLE reported none
#   smtp:
#     host: smtp.example.com
#     security: starttls             # tls (465), starttls (587) or none (25)
#     user: agent@example.com
#   folders:
#     inbox: INBOX
#     processed: nightshift          # mail that became a task is moved here; unset, flagged in place
#   allow:
#     senders: [alice@example.com, example.org]  # who may send work; empty = nobody
#     recipients: []                 # who mail may go to; empty = the senders list
#     requireAuth: dkim-or-spf       # none, dkim, spf or dkim-or-spf (Authentication-Results)
#     authServId: mx.example.com     # trust only Authentication-Results added by this server
#   filters:
#     notifications: ["security alert", "verification code"]  # not work (subject or body)
#   limits:
#     maxMessageSize: 40MB           # larger mail is not downloaded
#     maxAttachmentSize: 10MB        # larger attachments are not kept as task inputs
#     maxAttachments: 10
#     maxBodyChars: 20000            # the mail's text in the prompt is cut here
#     repliesPerThread: 10           # a loop stopper
#     sendPerMinute: 20
#     sendAttempts: 5                # then the mail is dead-lettered
#   task:
#     repo: git@github.com:you/project.git
#     backend: shell
#     mode: autonomous               # supervised: waits for "approve" or "reject" by mail
#     timeout: 1h

# GitHub: GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY for a GitHub App;
# GITHUB_API_URL for GitHub Enterprise (https://host/api/v3). Remove the "# " to use.
# github:
#   login: my-agent                # the agent's account; looked up from the token when unset
#   installationId: 12345          # GitHub App only: skip the per-repository lookup
#   requestTimeout: 30s
#   retries: 1                     # octokit's own retries of 5xx; JetStream owns the rest
#   maxRateLimitWait: 60s          # a longer rate-limit wait backs the poller off instead
#   writeSpacing: 1s               # GitHub's advice: writes at most once a second,
#   contentSpacing: 3s             # comments and pull requests once every three
#   pullRequests:
#     draft: false                 # open pull requests as drafts
#     labels: [nightshift]         # added to every pull request nightshift opens
#   labels:                        # the task's state on its source issue
#     inProgress: nightshift:in-progress
#     done: nightshift:done
#     failed: nightshift:failed
#     blocked: nightshift:blocked

# Task sources. GitHub webhooks: set GITHUB_WEBHOOK_SECRET and point the repository's
# webhook at http://<poller>:8080/webhooks/github; polling goes on as a slower fallback.
# poller:
#   interval: 60s                  # polling per repository (a free 304 when nothing changed)
#   webhookInterval: 10m           # polling while webhooks are configured
#   conditionalRequests: true      # send ETags; off only behind a proxy that breaks them
#   cooldown: 5m                   # least time between two tasks for one issue or card
#   maxAttempts: 3                 # tasks per item, retries included, then one comment
#   allowUsers: [contractor-jo]    # may trigger without write permission
#   allowBots: ["renovate[bot]"]   # bots and the agent itself are ignored unless listed
#   backend: shell                 # for the tasks the poller creates
#   webhook:
#     path: /webhooks/github
#   triage:                        # first match decides: green runs an agent, red tells a person
#     - name: deploys-need-a-person
#       class: red
#       when: { trigger: [checks], check: "deploy|release" }
#   github:
#     repos:
#       - repo: acme/web
#         label: nightshift        # open issues carrying this label (false: off)
#         assigned: true           # open issues assigned to the agent
#         mentions: true           # comments "@<agent> please ..."
#         dispatch: copilot-agent  # seed-format dispatch issues carrying this label
#         base: main               # branch work starts from
#         pulls:                   # the agent's pull requests, and those with this label
#           label: nightshift-watch
#           checks: true           # newly failing checks and commit statuses
#           reviews: true          # reviews asking for changes
#           conflicts: true        # merge conflicts with the base branch
#   linear:                        # LINEAR_API_KEY
#     interval: 60s
#     queues:
#       - team: ENG
#         state: Ready             # issues in this workflow state and
#         label: agent             # carrying this label
#         repo: https://github.com/acme/web.git
#         base: main
#         startedState: In Progress
#         doneState: In Review
#         failedState: Triage
#   files:
#     - dir: tasks                 # *.md with front matter or *.json; status written back
#       repo: /srv/repos/web
#       interval: 10s
`;
