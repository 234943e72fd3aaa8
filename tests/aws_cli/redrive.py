"""RedriveExecution for run-aws-cli.sh: aws-cli 2.9 predates the operation, so the request is
signed here by the botocore the CLI itself runs on (SigV4Auth), with the same credentials from
the environment. Usage: redrive.py ENDPOINT EXECUTION_ARN. Exit 0 on a 200 answer."""
import json
import os
import sys
import urllib.error
import urllib.request

import awscli  # noqa: F401  Debian's awscli: makes its bundled botocore importable as botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

endpoint, execution_arn = sys.argv[1], sys.argv[2]
body = json.dumps({"executionArn": execution_arn})
request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "AWSStepFunctions.RedriveExecution"})
credentials = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
SigV4Auth(credentials, "states", os.environ["AWS_DEFAULT_REGION"]).add_auth(request)
prepared = request.prepare()
try:
    with urllib.request.urlopen(urllib.request.Request(
            prepared.url, data=body.encode(), headers=dict(prepared.headers), method="POST")) as r:
        print(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode(), file=sys.stderr)
    sys.exit(1)
