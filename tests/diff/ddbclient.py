"""A minimal raw DynamoDB JSON client (no client-side validation), for differential tests."""
import json
import re
import http.client

AUTH = ("AWS4-HMAC-SHA256 Credential={key}/20260101/{region}/dynamodb/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64)


class Raw:
    def __init__(self, port, key="difftest", region="us-east-1"):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.auth = AUTH.format(key=key, region=region)

    def call(self, op, body, target_prefix="DynamoDB_20120810"):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"{target_prefix}.{op}",
                   "Authorization": self.auth, "X-Amz-Date": "20260101T000000Z"}
        self.conn.request("POST", "/", body=data, headers=headers)
        r = self.conn.getresponse()
        raw = r.read().decode()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"_raw": raw}
        return r.status, parsed


def outcome(status, body):
    """What a test compares: status, error type (short) and message, or the normalized body."""
    if status != 200:
        t = body.get("__type", "")
        return {"status": status, "type": t.split("#")[-1],
                "message": body.get("message", body.get("Message", ""))}
    return {"status": 200, "body": normalize(body)}


VOLATILE = {"CreationDateTime", "TableId", "LatestStreamLabel", "LatestStreamArn", "LastUpdateToPayPerRequestDateTime",
            "StreamArn", "StreamLabel", "ShardIterator", "NextShardIterator", "SequenceNumber", "eventID",
            "ApproximateCreationDateTime", "ShardId", "StartingSequenceNumber", "CreationRequestDateTime",
            "LastIncreaseDateTime", "LastDecreaseDateTime", "KMSMasterKeyArn", "SizeBytes", "NextToken"}


# DynamoDB Local differs from the real service in ways that say nothing about behaviour: it puts the
# pseudo-region "ddblocal" in ARNs, has no TableId, and answers CreateTable with ACTIVE where the real
# service says CREATING (DeleteTable: DELETING). We follow the real service and normalize these before comparing.
ABSENT_IN_LOCAL = {"TableId"}


def normalize(v):
    if isinstance(v, dict):
        out = {}
        for k, x in sorted(v.items()):
            if k in ABSENT_IN_LOCAL:
                continue
            if k in VOLATILE:
                out[k] = "<volatile>"
            elif k in ("TableArn", "IndexArn") and isinstance(x, str):
                out[k] = re.sub(r"^arn:aws:dynamodb:[^:]*:", "arn:aws:dynamodb:REGION:", x)
            elif k in ("TableStatus", "IndexStatus") and x in ("CREATING", "DELETING"):
                out[k] = "ACTIVE"
            else:
                out[k] = normalize(x)
        return out
    if isinstance(v, list):
        return [normalize(x) for x in v]
    return v
