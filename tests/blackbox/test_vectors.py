"""Vector indexes and SearchVectors through the raw protocol (Debian's botocore predates the operation).

Deterministic fixtures whose scores follow from the distance formulas, computed here in 32-bit floats
exactly as the service (and ddb-local) does; validation errors; the index lifecycle (create on a table with
data, wait for ACTIVE, search, delete); kill -9 with -dbPath; and the recall of the approximate path."""
import math
import os
import random
import signal
import struct
import sys
import time

import pytest

from conftest import Server

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../diff"))
from ddbclient import Raw  # noqa: E402


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def score(dist, a, b):
    """The service's scores in f32: every operation rounded to a 32-bit float, in index order."""
    dot = aa = bb = sq = 0.0
    for x, y in zip(map(f32, a), map(f32, b)):
        dot = f32(dot + f32(x * y))
        aa = f32(aa + f32(x * x))
        bb = f32(bb + f32(y * y))
        d = f32(x - y)
        sq = f32(sq + f32(d * d))
    if dist == "EUCLIDEAN":
        return f32(math.sqrt(sq))
    if dist == "DOT_PRODUCT":
        return dot
    if aa == 0 or bb == 0:
        return 1.0
    c = f32(dot / f32(f32(math.sqrt(aa)) * f32(math.sqrt(bb))))
    return f32(1.0 - max(-1.0, min(1.0, c)))


def nums(xs):
    return {"L": [{"N": repr(x)} for x in xs]}


def ok(r, op, body):
    status, out = r.call(op, body)
    assert status == 200, (op, out)
    return out


def err(r, op, body):
    status, out = r.call(op, body)
    assert status == 400, (op, out)
    return out["__type"].split("#")[-1], out["message"]


def vector_index(name, attr="emb", dims=3, dist="COSINE", schema=None, projection=None):
    x = {"IndexName": name, "VectorAttribute": {"AttributeName": attr}, "Dimensions": dims,
         "DistanceFunction": dist, "Projection": projection or {"ProjectionType": "ALL"}}
    if schema:
        x["SearchSchema"] = [{"AttributeName": n, "SearchSchemaElementType": t} for n, t in schema]
    return x


def create(r, name, indexes, extra_attrs=()):
    attrs = [{"AttributeName": "id", "AttributeType": "S"}] + [
        {"AttributeName": n, "AttributeType": t} for n, t in extra_attrs]
    return ok(r, "CreateTable", {"TableName": name, "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": attrs,
                                 "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                                 "VectorIndexes": indexes})


def put(r, table, id_, vec, **attrs):
    item = {"id": {"S": id_}, "emb": nums(vec)}
    item.update({k: {"S": v} for k, v in attrs.items()})
    ok(r, "PutItem", {"TableName": table, "Item": item})


def search(r, table, index, vec, k=10, **kw):
    body = {"TableName": table, "IndexName": index, "SearchVector": nums(vec)["L"], "TopK": k}
    body.update(kw)
    return ok(r, "SearchVectors", body)


def ranked(out):
    return [(h["Item"]["id"]["S"], h["Score"]) for h in out["SearchResults"]]


FIXTURE = {"same": [1, 0, 0], "orth": [0, 1, 0], "opp": [-1, 0, 0], "diag": [0.6, 0.8, 0], "half": [0.5, 0.5, 0.5]}


@pytest.mark.parametrize("dist", ["COSINE", "EUCLIDEAN", "DOT_PRODUCT"])
def test_scores_follow_the_distance_formulas(server, dist):
    r = Raw(server.port)
    create(r, "vec_t", [vector_index("by_emb", dist=dist)])
    for k, v in FIXTURE.items():
        put(r, "vec_t", k, v)
    out = search(r, "vec_t", "by_emb", [1, 0, 0])
    got = ranked(out)
    want = sorted(((k, score(dist, [1, 0, 0], v)) for k, v in FIXTURE.items()),
                  key=lambda p: ((-p[1]) if dist == "DOT_PRODUCT" else p[1], p[0]))
    assert [k for k, _ in got] == [k for k, _ in want]
    for (_, g), (_, w) in zip(got, want):
        assert f32(g) == w
    scores = {k: f32(v) for k, v in got}  # a score is the shortest decimal of its 32-bit float
    if dist == "COSINE":
        assert (scores["same"], scores["orth"], scores["opp"]) == (0, 1, 2)
    elif dist == "EUCLIDEAN":
        assert (scores["same"], scores["orth"], scores["opp"]) == (0, f32(math.sqrt(2)), 2)
    else:
        assert (scores["same"], scores["orth"], scores["opp"]) == (1, 0, -1)
    assert "ConsumedCapacity" not in out
    cap = search(r, "vec_t", "by_emb", [1, 0, 0], ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert set(cap) == {"VectorSearchRequestBytes"} and cap["VectorSearchRequestBytes"] > 0


def test_top_k_ties_filters_projection_and_partition_key(server):
    r = Raw(server.port)
    create(r, "vec_f", [vector_index("by_cat", schema=[("cat", "HASH"), ("color", "INLINE_FILTER")],
                                  projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]})],
           extra_attrs=[("cat", "S"), ("color", "S")])
    for i in range(6):  # six identical vectors: ties are ordered by key
        put(r, "vec_f", f"k{5 - i}", [1, 1, 0], cat="a", color="red" if i % 2 else "blue", note="n", extra="x")
    put(r, "vec_f", "other", [1, 1, 0], cat="b", color="red")
    put(r, "vec_f", "nocat", [1, 1, 0], color="red")  # without the index's partition key: not indexed
    out = search(r, "vec_f", "by_cat", [1, 1, 0], k=3, SearchConditionExpression="cat = :c",
                 ExpressionAttributeValues={":c": {"S": "a"}})
    assert [k for k, _ in ranked(out)] == ["k0", "k1", "k2"]
    assert set(out["SearchResults"][0]["Item"]) == {"id", "cat", "color", "note"}  # INCLUDE, not `extra`
    out = search(r, "vec_f", "by_cat", [1, 1, 0], SearchConditionExpression="#c = :c AND color = :r",
                 ExpressionAttributeNames={"#c": "cat"},
                 ExpressionAttributeValues={":c": {"S": "a"}, ":r": {"S": "red"}}, ProjectionExpression="id")
    assert [h["Item"] for h in out["SearchResults"]] == [{"id": {"S": k}} for k in ["k0", "k2", "k4"]]
    assert err(r, "SearchVectors", {"TableName": "vec_f", "IndexName": "by_cat", "SearchVector": nums([1, 1, 0])["L"],
                                    "TopK": 3}) == \
        ("ValidationException", "SearchConditionExpression must be provided when SearchSchema has a HASH key")
    assert err(r, "SearchVectors", {"TableName": "vec_f", "IndexName": "by_cat", "SearchVector": nums([1, 1, 0])["L"],
                                    "TopK": 3, "SearchConditionExpression": "cat > :c",
                                    "ExpressionAttributeValues": {":c": {"S": "a"}}}) == \
        ("ValidationException", "Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression")


# The service's texts in this test are as captured against DynamoDB in eu-west-2 on 2026-08-11
# (nubo-db/dynamodb-conformance, tests/tier3/error-messages/{searchVectors,vectorIndexes,vectorWrites}.test.ts).
INVALID = "One or more parameter values were invalid"


def test_validation(server):
    r = Raw(server.port)
    base = {"TableName": "vec_v", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}
    prov = dict(base, BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 1,
                                                                        "WriteCapacityUnits": 1},
                VectorIndexes=[vector_index("ix1")])
    assert err(r, "CreateTable", prov) == \
        ("ValidationException", f"{INVALID}: Vector indexes are only supported for PAY_PER_REQUEST tables")
    t, m = err(r, "CreateTable", dict(base, VectorIndexes=[vector_index("ix1", dims=0)]))
    assert "'vectorIndexes.1.member.dimensions' failed to satisfy constraint" in m
    assert err(r, "CreateTable", dict(base, VectorIndexes=[vector_index("ix1", dims=4097)])) == \
        ("ValidationException", f"{INVALID}: Number of dimensions must be between 1 and 4096 inclusive.")
    assert err(r, "CreateTable", dict(base, VectorIndexes=[vector_index(f"ix{i}") for i in range(6)])) == \
        ("ValidationException", f"{INVALID}: VectorIndex count exceeds the per-table limit of 5")
    assert err(r, "CreateTable", dict(base, VectorIndexes=[vector_index("ix1"), vector_index("ix2", dims=4)])) == \
        ("ValidationException", f"{INVALID}: Conflicting attribute definition for 'emb'. All VectorIndexes on the "
                                "same vector attribute must use the same dimensions.")
    t, m = err(r, "CreateTable", dict(base, VectorIndexes=[vector_index("ix1", dist="MANHATTAN")]))
    assert "Member must satisfy enum value set: [COSINE, DOT_PRODUCT, EUCLIDEAN]" in m
    assert err(r, "CreateTable", dict(base, VectorIndexes=[vector_index("ix1", schema=[("cat", "HASH")])])) == \
        ("ValidationException", f"{INVALID}: One element in SearchSchema is not defined in attribute definitions")
    create(r, "vec_v", [vector_index("ix1")])
    bad = [({"S": "x"}, "Invalid type for parameter emb, Expected: 32-bit floating point number list IndexName: ix1"),
           ({"L": [{"N": "1"}, {"S": "a"}, {"N": "1"}]},
            "Invalid type for parameter emb[1], Expected: 32-bit floating point number, Actual: S. IndexName: ix1"),
           (nums([1, 2]), "Invalid size for parameter emb, Expected: 3, Actual: 2 IndexName: ix1"),
           ({"L": [{"N": "1"}, {"N": "1e39"}, {"N": "1"}]},  # ours: the service's text for this is not known
            "Invalid value for parameter emb[1], Expected: 32-bit floating point number, Actual: a number beyond its "
            "range. IndexName: ix1")]
    for value, text in bad:
        for op, body in [("PutItem", {"TableName": "vec_v", "Item": {"id": {"S": "a"}, "emb": value}}),
                         ("UpdateItem", {"TableName": "vec_v", "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET emb = :v",
                                         "ExpressionAttributeValues": {":v": value}}),
                         ("BatchWriteItem", {"RequestItems": {"vec_v": [{"PutRequest": {"Item": {"id": {"S": "a"},
                                                                                               "emb": value}}}]}}),
                         ("ExecuteStatement", {"Statement": "INSERT INTO vec_v VALUE {'id': 'a', 'emb': ?}",
                                               "Parameters": [value]})]:
            assert err(r, op, body) == ("ValidationException", f"{INVALID}. {text}"), op
    assert ok(r, "Scan", {"TableName": "vec_v"})["Count"] == 0  # nothing refused was written
    s = {"TableName": "vec_v", "IndexName": "ix1", "SearchVector": nums([1, 0, 0])["L"], "TopK": 101}
    assert err(r, "SearchVectors", s) == \
        ("ValidationException", "Provided TopK value '101' is out of valid range. The value must be between 1 and 100 "
                                "inclusive")
    assert err(r, "SearchVectors", dict(s, TopK=0)) == \
        ("ValidationException", "1 validation error detected: Value '0' at 'topK' failed to satisfy constraint: "
                                "Member must have value greater than or equal to 1")
    assert err(r, "SearchVectors", dict(s, TopK=1, SearchVector=nums([1, 0])["L"])) == \
        ("ValidationException", "Input search vector dimension 2 does not match vector index dimension 3")
    assert err(r, "SearchVectors", dict(s, TopK=1, SearchVector=[nums([1, 0, 0])])) == \
        ("ValidationException", "Search vector contains invalid values. All values in the search vector must be a "
                                "32-bit floating-point number attribute")
    assert err(r, "SearchVectors", dict(s, TopK=1, SearchConditionExpression="cat = :c",
                                        ExpressionAttributeValues={":c": {"S": "a"}})) == \
        ("ValidationException", "SearchConditionExpression must not contain any attributes that is not in SearchSchema. "
                                "Invalid attribute: cat")
    assert err(r, "SearchVectors", dict(s, TopK=1, IndexName="nope")) == \
        ("ValidationException", "The table does not have the specified index: nope")
    status, out = r.call("SearchVectors", dict(s, TableName="missing", TopK=1))
    assert status == 400 and out["__type"].endswith("ResourceNotFoundException")


def test_search_schema_hash_key_on_writes(server):
    """The HASH element of a search schema is a key: never empty; an item without it is written and stays out of
    that index only."""
    r = Raw(server.port)
    create(r, "vec_h", [vector_index("plain"), vector_index("schema", schema=[("tenant", "HASH")])],
           extra_attrs=[("tenant", "S")])
    assert err(r, "PutItem", {"TableName": "vec_h", "Item": {"id": {"S": "e"}, "tenant": {"S": ""},
                                                             "emb": nums([0, 0, 1])}}) == \
        ("ValidationException", "One or more parameter values are not valid. A value specified for a secondary index "
                                "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
                                "string value. IndexName: schema, IndexKey: tenant")
    put(r, "vec_h", "a", [1, 0, 0], tenant="t1")
    put(r, "vec_h", "none", [0, 0, 1])
    assert [k for k, _ in ranked(search(r, "vec_h", "plain", [0, 0, 1]))] == ["none", "a"]
    assert [k for k, _ in ranked(search(r, "vec_h", "schema", [0, 0, 1], SearchConditionExpression="tenant = :t",
                                        ExpressionAttributeValues={":t": {"S": "t1"}}))] == ["a"]


def wait_active(r, table, index):
    """What a client does: poll DescribeTable until the index is ACTIVE and not backfilling."""
    deadline = time.time() + 20
    while time.time() < deadline:
        d = ok(r, "DescribeTable", {"TableName": table})["Table"]
        x = next(x for x in d.get("VectorIndexes", []) if x["IndexName"] == index)
        if x["IndexStatus"] == "ACTIVE" and not x.get("Backfilling"):
            return d
        status, out = r.call("SearchVectors", {"TableName": table, "IndexName": index,
                                               "SearchVector": nums([1, 0, 0])["L"], "TopK": 1})
        if status == 200:
            # The backfill ended between the two calls: from then on DescribeTable must say ACTIVE.
            x = next(x for x in ok(r, "DescribeTable", {"TableName": table})["Table"]["VectorIndexes"]
                     if x["IndexName"] == index)
            assert x["IndexStatus"] == "ACTIVE" and not x.get("Backfilling"), (x, out)
            continue
        assert (status, out["__type"].split("#")[-1], out["message"]) == \
            (400, "ValidationException", f"Cannot search backfilling vector index: {index}")
        time.sleep(0.05)
    raise AssertionError("the index never became ACTIVE")


def test_lifecycle_backfill_delete_and_kill9(data_dir):
    s = Server("-delayTransientStatuses", data_dir=data_dir).start()
    r = Raw(s.port)
    ok(r, "CreateTable", {"TableName": "vec_l", "BillingMode": "PAY_PER_REQUEST",
                          "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                          "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]})
    for i in range(50):
        put(r, "vec_l", f"i{i:02}", [1, i, 0])
    ok(r, "PutItem", {"TableName": "vec_l", "Item": {"id": {"S": "novec"}}})
    up = ok(r, "UpdateTable", {"TableName": "vec_l", "VectorIndexUpdates": [{"Create": vector_index("late", dist="EUCLIDEAN")}]})
    x = up["TableDescription"]["VectorIndexes"][0]
    assert (x["IndexStatus"], x["Backfilling"]) == ("CREATING", True)
    d = wait_active(r, "vec_l", "late")
    x = d["VectorIndexes"][0]
    assert x["ItemCount"] == 50 and x["IndexArn"].endswith(":table/vec_l/index/late") and x["Dimensions"] == 3
    assert [k for k, _ in ranked(search(r, "vec_l", "late", [1, 7, 0], k=3))] == ["i07", "i06", "i08"]
    put(r, "vec_l", "new", [1, 7.5, 0])  # acknowledged: searchable at once, and after kill -9
    assert ranked(search(r, "vec_l", "late", [1, 7.5, 0], k=1)) == [("new", 0)]
    s.stop(signal.SIGKILL)
    s = Server(data_dir=data_dir).start()
    r = Raw(s.port)
    assert ranked(search(r, "vec_l", "late", [1, 7.5, 0], k=3)) == [("new", 0), ("i07", 0.5), ("i08", 0.5)]
    ok(r, "DeleteItem", {"TableName": "vec_l", "Key": {"id": {"S": "new"}}})
    assert [k for k, _ in ranked(search(r, "vec_l", "late", [1, 7.5, 0], k=1))] == ["i07"]  # ties: key order
    ok(r, "UpdateTable", {"TableName": "vec_l", "VectorIndexUpdates": [{"Delete": {"IndexName": "late"}}]})
    assert "VectorIndexes" not in ok(r, "DescribeTable", {"TableName": "vec_l"})["Table"]
    assert err(r, "SearchVectors", {"TableName": "vec_l", "IndexName": "late", "SearchVector": nums([1, 7, 0])["L"],
                                    "TopK": 1})[1] == "The table does not have the specified index: late"
    assert ok(r, "Scan", {"TableName": "vec_l", "Select": "COUNT"})["Count"] == 51  # vectors stay ordinary lists
    s.stop()


def test_approximate_recall_at_top_10():
    rng = random.Random(7)
    dims, n = 16, 4000
    vecs = {f"v{i:05}": [f32(rng.uniform(-1, 1)) for _ in range(dims)] for i in range(n)}
    s = Server("--vector-exact-limit", "1000").start()
    r = Raw(s.port)
    create(r, "vec_a", [vector_index("ann", dims=dims, dist="COSINE")])
    keys = list(vecs)
    for i in range(0, n, 25):
        ok(r, "BatchWriteItem", {"RequestItems": {"vec_a": [
            {"PutRequest": {"Item": {"id": {"S": k}, "emb": nums(vecs[k])}}} for k in keys[i:i + 25]]}})
    found = wanted = 0
    for _ in range(30):
        q = [rng.uniform(-1, 1) for _ in range(dims)]
        exact = sorted(keys, key=lambda k: (score("COSINE", q, vecs[k]), k))[:10]
        got = ranked(search(r, "vec_a", "ann", q, k=10, ProjectionExpression="id"))
        for k, sc in got:
            assert f32(sc) == score("COSINE", q, vecs[k])  # scores are exact even when candidates are not
        found += len(set(exact) & {k for k, _ in got})
        wanted += 10
    s.stop()
    assert found / wanted >= 0.99
