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
`;
