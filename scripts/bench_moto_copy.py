"""What one S3 call costs in moto, for a 1 MiB upload: what submit did per photo before sealing
(PutObjectTagging) against what it does now (CopyObject with SHA-256), and the HeadObject both
make. Usage: python scripts/bench_moto_copy.py MOTO_ENDPOINT (scripts/bench-moto-copy starts moto).
"""

import os
import sys
import time

import boto3

s3 = boto3.client(
    "s3",
    endpoint_url=sys.argv[1],
    region_name="us-east-1",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
BUCKET = "bench-moto-copy"
s3.create_bucket(Bucket=BUCKET, ObjectLockEnabledForBucket=True)
s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
version = s3.put_object(Bucket=BUCKET, Key="uploads/1.jpg", Body=os.urandom(1 << 20), Tagging="claim=pending")["VersionId"]
source = {"Bucket": BUCKET, "Key": "uploads/1.jpg", "VersionId": version}


def per_call(call, n=50):
    started = time.perf_counter()
    for i in range(n):
        call(i)
    return (time.perf_counter() - started) / n * 1000


calls = {
    "HeadObject": lambda i: s3.head_object(Bucket=BUCKET, Key="uploads/1.jpg"),
    "PutObjectTagging (before sealing)": lambda i: s3.put_object_tagging(
        Bucket=BUCKET, Key="uploads/1.jpg", Tagging={"TagSet": [{"Key": "claim", "Value": "claimed"}]}
    ),
    "CopyObject with SHA-256 (sealing)": lambda i: s3.copy_object(
        Bucket=BUCKET,
        Key=f"evidence/{i}.jpg",
        CopySource=source,
        ChecksumAlgorithm="SHA256",
        TaggingDirective="REPLACE",
        Tagging="claim=sealed",
    ),
}
print("| call (1 MiB object) | ms per call in moto |")
print("|---|---|")
for name, call in calls.items():
    print(f"| {name} | {per_call(call):.1f} |")
