#!/bin/sh
# The fault suite's agent. It logs every execution (start and end, with the attempt and
# the lease fence the executor passed), works for a while, then does its task's work the
# way a real agent does: on the task's branch, idempotently. A retry continues the branch,
# finds its work there and does nothing more.
#   $1: task id   $2: seconds to work   FAULTS_LOG: the execution log (appended to)
id=$1
work=${2:-0.2}
fence=${NIGHTSHIFT_LEASE_FENCE:-0}
attempt=${NIGHTSHIFT_ATTEMPT:-0}
echo "start $id $attempt $fence $$ $(date +%s%3N)" >> "$FAULTS_LOG"
sleep "$work"
mkdir -p effects
if ! grep -qs "^$id " "effects/$id"; then
  echo "$id fence=$fence attempt=$attempt pid=$$" >> "effects/$id"
fi
echo "end $id $attempt $fence $$ $(date +%s%3N)" >> "$FAULTS_LOG"
