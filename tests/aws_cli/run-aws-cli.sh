#!/usr/bin/env bash
# The Step Functions API as a team's scripts use it: `aws stepfunctions --endpoint-url ...`
# (Debian's awscli) with an access key from settled's credentials file, signed with SigV4, through
# create, start (and the same start again), describe, history, a task token sent back (success
# and failure), stop, redrive, and list; and a wrongly signed call and an unknown key refused.
# aws-cli 2.9 predates RedriveExecution, so that one call is signed by the same botocore the CLI
# runs on (redrive.py).
# Usage: run-aws-cli.sh --settled PATH/settled --workflows-dir DIR
# Exit: 0 passed; 1 a check failed; 77 the aws CLI is not installed (a failure under CI=true).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
settled=""
workflows=""
while [ $# -gt 0 ]; do
  case "$1" in
    --settled) settled="$2"; shift 2 ;;
    --workflows-dir) workflows="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
# Debian's aws-cli 2 (a pip-installed aws earlier on PATH may be another major version).
aws=/usr/bin/aws
if [ ! -x "${aws}" ]; then
  [ "${CI:-}" = "true" ] && { echo "FAILED: the aws CLI is not installed" >&2; exit 1; }
  echo "SKIPPED: the aws CLI is not installed (scripts/install-deps.sh installs awscli)" >&2
  exit 77
fi

work="$(mktemp -d)"
pid=
trap '[ -n "${pid}" ] && kill "${pid}" 2>/dev/null; [ -n "${pid}" ] && wait "${pid}" 2>/dev/null; rm -rf "${work}"' EXIT
fail() { echo "FAILED: $*" >&2; [ -f "${work}/err" ] && tail -20 "${work}/err" >&2; exit 1; }

key_id=AKIASETTLEDCLI000001
secret=cliSecretKey0123456789/abcdefghijKLMNOPQR
echo "scripts:admin:${key_id}:${secret}" >"${work}/aws-credentials"
chmod 600 "${work}/aws-credentials"
"${settled}" --data-dir="${work}/var" --http=127.0.0.1:0 --workflows-dir="${workflows}" \
  --aws-region=eu-west-1 --aws-account-id=123456789012 \
  --aws-credentials-file="${work}/aws-credentials" >"${work}/out" 2>"${work}/err" &
pid=$!
for _ in $(seq 300); do grep -q "settled ready" "${work}/out" && break; sleep 0.1; done
grep -q "settled ready" "${work}/out" || fail "the daemon did not start"
endpoint="http://$(sed -n 's/.*http=\([^ ]*\).*/\1/p' "${work}/out")"

export AWS_ACCESS_KEY_ID="${key_id}" AWS_SECRET_ACCESS_KEY="${secret}" AWS_DEFAULT_REGION=eu-west-1
export AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
sfn() { "${aws}" stepfunctions --endpoint-url "${endpoint}" --output text "$@"; }
expect() {  # expect WHAT ACTUAL WANTED
  [ "$2" = "$3" ] || fail "$1: got '$2', wanted '$3'"
  echo "ok: $1 = $3"
}
# Polls describe-execution until the status is no longer RUNNING (a 30 s deadline).
final_status() {
  local status
  for _ in $(seq 300); do
    status="$(sfn describe-execution --execution-arn "$1" --query status)"
    [ "${status}" != "RUNNING" ] && { echo "${status}"; return; }
    sleep 0.1
  done
  echo "${status}"
}
# The token the execution's waiting task wrote into its parameters (the newest TaskScheduled).
token_of() {
  sfn get-execution-history --execution-arn "$1" --reverse-order \
    --query "events[?type=='TaskScheduled'] | [0].taskScheduledEventDetails.parameters" |
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

# A task that writes its token to records/approvals/<execution name> and waits for the answer.
cat >"${work}/approval.json" <<'JSON'
{"StartAt": "Ask", "States": {
  "Ask": {"Type": "Task", "Resource": "settled:records.put.waitForTaskToken",
          "Parameters": {"collection": "approvals", "key.$": "$$.Execution.Name",
                         "record": {"token.$": "$$.Task.Token"}},
          "ResultPath": "$.decision", "Next": "Done"},
  "Done": {"Type": "Pass", "End": true}}}
JSON
arn_base="arn:aws:states:eu-west-1:123456789012"
machine="$(sfn create-state-machine --name approval --definition "file://${work}/approval.json" \
  --role-arn arn:aws:iam::123456789012:role/settled --query stateMachineArn)"
expect "create-state-machine" "${machine}" "${arn_base}:stateMachine:approval"
expect "describe-state-machine" "$(sfn describe-state-machine --state-machine-arn "${machine}" \
  --query '[name, status]')" "approval	ACTIVE"

# Start, and the same start again: the same execution (exactly once for a name and input).
first="$(sfn start-execution --state-machine-arn "${machine}" --name order-1 \
  --input '{"order": 1}' --query executionArn)"
expect "start-execution" "${first}" "${arn_base}:execution:approval:order-1"
again="$(sfn start-execution --state-machine-arn "${machine}" --name order-1 \
  --input '{"order": 1}' --query executionArn)"
expect "start-execution again" "${again}" "${first}"
expect "describe-execution" "$(sfn describe-execution --execution-arn "${first}" \
  --query '[status, input]')" "RUNNING	{\"order\":1}"

token="$(token_of "${first}")"
[ -n "${token}" ] || fail "no task token in order-1's history"
sfn send-task-success --task-token "${token}" --task-output '{"approved": true}' >/dev/null
expect "order-1 after send-task-success" "$(final_status "${first}")" "SUCCEEDED"
expect "order-1 output" "$(sfn describe-execution --execution-arn "${first}" --query output)" \
  '{"order":1,"decision":{"approved":true}}'
expect "history ends" "$(sfn get-execution-history --execution-arn "${first}" --reverse-order \
  --max-results 1 --query 'events[0].type')" "ExecutionSucceeded"

# Stop.
second="$(sfn start-execution --state-machine-arn "${machine}" --name order-2 \
  --input '{"order": 2}' --query executionArn)"
sfn stop-execution --execution-arn "${second}" >/dev/null
expect "order-2 after stop-execution" "$(final_status "${second}")" "ABORTED"

# A failure sent back, then the execution redriven: it waits again, and succeeds.
third="$(sfn start-execution --state-machine-arn "${machine}" --name order-3 \
  --input '{"order": 3}' --query executionArn)"
token="$(token_of "${third}")"
[ -n "${token}" ] || fail "no task token in order-3's history"
sfn send-task-failure --task-token "${token}" --error Rejected --cause "no stock" >/dev/null
expect "order-3 after send-task-failure" "$(final_status "${third}")" "FAILED"
expect "order-3 error" "$(sfn describe-execution --execution-arn "${third}" \
  --query '[error, cause]')" "Rejected	no stock"
/usr/bin/python3 "${here}/redrive.py" "${endpoint}" "${third}" >/dev/null ||
  fail "redrive-execution was refused"
for _ in $(seq 300); do
  token="$(token_of "${third}")"
  [ -n "${token}" ] && sfn send-task-success --task-token "${token}" --task-output '{}' \
    >/dev/null 2>&1 && break
  sleep 0.1
done
expect "order-3 after redrive" "$(final_status "${third}")" "SUCCEEDED"

# List.
expect "list-executions" "$(sfn list-executions --state-machine-arn "${machine}" \
  --query 'length(executions)')" "3"
expect "list-executions ABORTED" "$(sfn list-executions --state-machine-arn "${machine}" \
  --status-filter ABORTED --query 'executions[].name')" "order-2"
expect "list-state-machines" "$(sfn list-state-machines --query 'stateMachines[].name' |
  tr '\t' '\n' | grep -c '^approval$')" "1"

# Refused: a wrong secret, and an unknown access key; nothing is created.
if AWS_SECRET_ACCESS_KEY=not-the-secret sfn create-state-machine --name sneaky \
  --definition "file://${work}/approval.json" --role-arn arn:aws:iam::1:role/r \
  >/dev/null 2>"${work}/refused"; then
  fail "a wrongly signed create-state-machine was accepted"
fi
grep -q InvalidSignatureException "${work}/refused" || fail "wrong secret: $(cat "${work}/refused")"
echo "ok: a wrongly signed call is InvalidSignatureException"
if AWS_ACCESS_KEY_ID=AKIAUNKNOWN000000000 sfn list-state-machines >/dev/null \
  2>"${work}/refused"; then
  fail "an unknown access key was accepted"
fi
grep -q UnrecognizedClientException "${work}/refused" || fail "unknown key: $(cat "${work}/refused")"
echo "ok: an unknown access key is UnrecognizedClientException"
expect "after the refusals" "$(sfn list-state-machines --query 'stateMachines[].name' |
  tr '\t' '\n' | grep -c '^sneaky$' || true)" "0"
echo "PASSED: the aws CLI scenario"
