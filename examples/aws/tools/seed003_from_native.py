#!/usr/bin/env python3
"""Writes examples/aws/seed-003/workflows from settled's own forms in config/workflows: the pure
states kept, each Task's settled: resource rewritten as a team on AWS writes it
(docs/aws-seeds.md, "Seed 003"). Run from the repository root; the output is committed, and this
script is how it was made (rerun it after a change to the native definitions, then review)."""
import json
import sys

REGION, ACCOUNT = "us-east-1", "123456789012"
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:ecosystem-operator-alerts"
MACHINES = {
    "booking-lifecycle": "ecosystem-booking-lifecycle",
    "marketplace-payment": "ecosystem-payment-processing",
    "marketplace-dispute": "ecosystem-dispute-resolution",
    "provider-onboarding": "ecosystem-provider-onboarding",
}

# One Lambda function per built-in: settled maps a function's name to exactly one built-in, so a
# seed function that does several jobs is deployed as one function per job (<function>-<job>).
FUNCTIONS = {
    "settled:records.put": "booking-processor",
    "settled:records.get": "booking-processor-get",
    "settled:stripe.paymentIntents.create": "booking-processor-charge",
    "settled:stripe.paymentIntents.cancel": "booking-processor-cancel-charge",
    "settled:stripe.paymentIntents.retrieve": "webhook-reconciliation",
    "settled:stripe.refunds.create": "refund-processor",
    "settled:stripe.transfers.create": "payout-manager-transfer",
    "settled:stripe.payouts.create": "payout-manager",
    "settled:stripe.accounts.create": "stripe-connect",
    "settled:stripe.accounts.retrieve": "stripe-connect-status",
    "settled:stripe.accountLinks.create": "stripe-connect-onboarding-link",
    "settled:notify.send": "notification-handler",
    "settled:ledger.deposit": "payout-manager-credit",
    "settled:ledger.withdraw": "payout-manager-debit",
    "settled:ledger.transfer": "payout-manager-ledger-transfer",
    "settled:ledger.hold": "booking-processor-hold",
    "settled:ledger.release": "booking-processor-release",
    "settled:ledger.cancel": "booking-processor-void",
    "settled:ledger.freeze": "dispute-workflow",
    "settled:ledger.unfreeze": "dispute-workflow-unfreeze",
}

LAMBDA_RETRY = {
    "ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
    "IntervalSeconds": 1,
    "MaxAttempts": 3,
    "BackoffRate": 2.0,
}

# settled:events.waitFor -> a callback: the token stored in PaymentCallbacks under an id the
# stripe-webhook function computes from the Stripe event; it answers with
# {type, correlationKey, detail: <the Stripe event>, receivedAt, id}, what events.waitFor gives.
CALLBACK_IDS = {
    "payment_intent.succeeded": "payment-{}",  # metadata.bookingId / metadata.paymentId
    "payout.updated": "payout-{}",  # the payout's id
    "account.updated": "account-{}",  # the connected account's id
}


def reorder(state, keys):
    """The state's members in the order ASL's examples write them."""
    order = ["Type", "Comment", "Resource", "Parameters", "ResultSelector", "ResultPath",
             "OutputPath", "TimeoutSeconds", "HeartbeatSeconds", "Retry", "Catch", "Next", "End"]
    out = {k: state[k] for k in order if k in state}
    out.update({k: v for k, v in state.items() if k not in out})
    return out


def callback(state):
    p = state["Parameters"]
    key_path = p["correlationKey.$"]
    fmt = CALLBACK_IDS[p["type"]]
    state["Resource"] = "arn:aws:states:::dynamodb:putItem.waitForTaskToken"
    state["Parameters"] = {
        "TableName": "PaymentCallbacks",
        "Item": {
            "callbackId": {"S.$": f"States.Format('{fmt}', {key_path})"},
            "eventType": {"S": p["type"]},
            "executionId": {"S.$": "$$.Execution.Id"},
            "taskToken": {"S.$": "$$.Task.Token"},
        },
    }
    if "timeoutSeconds" in p:
        state["TimeoutSeconds"] = p["timeoutSeconds"]


def alert(state):
    p = state["Parameters"]
    attrs = {"severity": {"DataType": "String", "StringValue": p["severity"]}}
    for k, v in p.items():
        if k in ("severity", "subject", "message.$"):
            continue
        name = k[:-2] if k.endswith(".$") else k
        attrs[name] = ({"DataType": "String", "StringValue.$": v} if k.endswith(".$")
                       else {"DataType": "String", "StringValue": str(v)})
    state["Resource"] = "arn:aws:states:::sns:publish"
    state["Parameters"] = {
        "TopicArn": TOPIC,
        "Subject": p["subject"],
        "Message.$": p["message.$"],
        "MessageAttributes": attrs,
    }


def rewrite(states):
    for name, s in states.items():
        for b in s.get("Branches", []):
            rewrite(b["States"])
        for k in ("Iterator", "ItemProcessor"):
            if k in s:
                rewrite(s[k]["States"])
        if s["Type"] != "Task":
            continue
        r = s["Resource"]
        if r == "settled:events.waitFor":
            callback(s)
        elif r == "settled:alert.raise":
            alert(s)
        elif r == "settled:records.put.waitForTaskToken":
            # The inbox record with its token, written by the booking processor, as AWS writes a
            # Lambda that is handed a task token: lambda:invoke.waitForTaskToken.
            s["Resource"] = "arn:aws:states:::lambda:invoke.waitForTaskToken"
            s["Parameters"] = {"FunctionName": FN + FUNCTIONS["settled:records.put"],
                               "Payload": s["Parameters"]}
            s["Retry"] = [LAMBDA_RETRY] + s.get("Retry", [])
        elif r in FUNCTIONS:
            s["Resource"] = FN + FUNCTIONS[r]
            s["Retry"] = [LAMBDA_RETRY] + s.get("Retry", [])
        else:
            sys.exit(f"{name}: no AWS form for {r}")
        states[name] = reorder(s, None)


def main():
    for native, aws in MACHINES.items():
        with open(f"config/workflows/{native}.asl.json") as f:
            d = json.load(f)
        rewrite(d["States"])
        d["Comment"] = (f"Seed 003's {aws} as a team on AWS writes it (the seed's Lambda functions by "
                        "ARN, DynamoDB callbacks answered with SendTaskSuccess, SNS alerts); settled "
                        "runs it unchanged with examples/aws/seed-003/settled.conf (docs/aws-seeds.md). "
                        f"Made from config/workflows/{native}.asl.json, whose comment follows. "
                        + d.get("Comment", ""))
        text = json.dumps(d, indent=2, ensure_ascii=False) + "\n"
        assert "settled:" not in text.replace("settled.conf", ""), native
        with open(f"examples/aws/seed-003/workflows/{aws}.asl.json", "w") as f:
            f.write(text)
    with open("examples/aws/seed-003/settled.conf", "w") as f:
        f.write("""; settled's configuration for seed 003's four state machines written as a team on AWS writes them
; (examples/aws/seed-003/workflows; docs/aws-seeds.md, "Seed 003"). Each Lambda function the
; definitions name runs as one of settled's built-ins; the DynamoDB table names its key; the
; operator's alert topic raises settled's alert. Used as
;   settled --config=examples/aws/seed-003/settled.conf --workflows-dir=examples/aws/seed-003/workflows
; (other options keep their embedded defaults, or come from another --config).
aws-region="us-east-1"
aws-account-id="123456789012"
""")
        entries = [f"{FN}{fn}={res}" for res, fn in FUNCTIONS.items()]
        entries.append(f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/PaymentCallbacks=callbackId")
        entries.append(f"{TOPIC}=settled:alert.raise")
        f.write("resource-map=[" + ",\n              ".join(f'"{e}"' for e in entries) + "]\n")


main()
