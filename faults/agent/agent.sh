#!/bin/bash
# The fault suite's agent. It reports every execution (start and end, with the attempt and
# the lease fence the executor passed) to the harness, works for a while, then does its
# task's work the way a real agent does: on the task's branch, idempotently. A retry
# continues the branch, finds its work there and does nothing more.
#   $1: task id   $2: seconds to work (the prompt)
#   FAULTS_LOG_PORT: the harness's execution log, over TCP on loopback (the agent runs in
#   a sandbox that can write nowhere but its workspace and home)
set -e
id=$1
# A number of seconds to work; anything else (a poller task's prompt) means the default.
work=0.2
if [[ $2 =~ ^[0-9]+(\.[0-9]+)?$ ]]; then work=$2; fi
fence=${NIGHTSHIFT_LEASE_FENCE:-0}
attempt=${NIGHTSHIFT_ATTEMPT:-0}
exec 3<>"/dev/tcp/127.0.0.1/$FAULTS_LOG_PORT"
echo "start $id $attempt $fence $$ $(date +%s%3N)" >&3
sleep "$work"
mkdir -p effects runs
if ! grep -qs "^$id " "effects/$id"; then
  echo "$id fence=$fence attempt=$attempt pid=$$" >> "effects/$id"
fi
# Which run's work a push carries: the lease fence of the last run in this workspace (an
# attempt always runs its agent before it pushes; a workspace may carry an earlier
# attempt's work over).
echo "$id fence=$fence attempt=$attempt pid=$$" > "runs/$id"
echo "end $id $attempt $fence $$ $(date +%s%3N)" >&3
exec 3>&-
