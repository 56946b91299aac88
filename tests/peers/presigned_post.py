"""botocore as the peer of our POST-policy signer (tests/evidence.rs).

Reads JSON on stdin: bucket, key, fields, conditions, expires_in, now (RFC 3339, UTC),
region, access_key, secret_key, token (or null), and our_policy (a base64 policy of ours).
Prints JSON: botocore's `generate_presigned_post` for the same inputs at the same instant, and
botocore's signature over our policy.
"""

import datetime
import json
import sys

import botocore.auth
import botocore.session
import botocore.signers
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

spec = json.load(sys.stdin)
now = datetime.datetime.strptime(spec["now"], "%Y-%m-%dT%H:%M:%SZ")
# botocore reads the clock once for the expiry and once for the signing date: pin both.
botocore.auth.get_current_datetime = lambda *args, **kwargs: now
botocore.signers.get_current_datetime = lambda *args, **kwargs: now

session = botocore.session.get_session()
client = session.create_client(
    "s3",
    region_name=spec["region"],
    aws_access_key_id=spec["access_key"],
    aws_secret_access_key=spec["secret_key"],
    aws_session_token=spec["token"],
    # Without it botocore signs POSTs in us-east-1 with the legacy SigV2.
    config=Config(signature_version="s3v4"),
)
post = client.generate_presigned_post(
    Bucket=spec["bucket"],
    Key=spec["key"],
    Fields=spec["fields"],
    Conditions=spec["conditions"],
    ExpiresIn=spec["expires_in"],
)

auth = botocore.auth.S3SigV4PostAuth(
    Credentials(spec["access_key"], spec["secret_key"], spec["token"]), "s3", spec["region"]
)
request = AWSRequest()
request.context["timestamp"] = now.strftime(botocore.auth.SIGV4_TIMESTAMP)
json.dump({"botocore": post, "signature_of_ours": auth.signature(spec["our_policy"], request)}, sys.stdout)
