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

# Agent backends, by name. Tasks pick one with --backend.
backends:
  # Runs the prompt as a shell script in the workspace: for trying things out.
  shell:
    type: command
    argv: ["sh", "-c", "{prompt}"]
  # Any agent CLI by argv template; {prompt} {taskId} {workspace} {model} are replaced.
  echo:
    type: command
    argv: ["sh", "-c", "cat > AGENT_NOTES.md"]
    prompt: stdin                # the prompt goes to the agent's stdin

# Prompt templates by task kind (adhoc, issue, pr-checks, pr-review, email, schedule, or
# default), replacing the built-in ones. Placeholders: {{prompt}} {{card}} {{snapshot}}
# {{instructions}} {{fix_list}} {{rounds}} {{result_contract}} {{repo}} {{branch}}
# {{task_id}} {{kind}} {{source}}; any other {{name}} is a config error.
# prompts:
#   system: "Follow the repository's CONTRIBUTING.md."
#   templates:
#     schedule: |
#       {{instructions}}
#       Nightly maintenance: {{prompt}}
#       {{result_contract}}

# Daily spending limits (UTC days), counted from every backend's token usage. A task whose
# repository or source is over its limit waits (reason budget) until the next day.
# budgets:
#   perRepoDailyUsd: 20
#   repos:
#     https://github.com/acme/web: 50
#   perSourceDailyUsd:
#     email: 5
`;
