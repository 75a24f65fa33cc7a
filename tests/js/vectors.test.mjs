// Vector indexes through the AWS SDK for JavaScript v3: CreateTable with VectorIndexes, the waiter's view of
// the index (DescribeTable), SearchVectorsCommand with a filter and a projection, and UpdateTable's
// VectorIndexUpdates on a table with data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ddbLocalForTests, CREDS } from './server.mjs';
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, PutItemCommand, SearchVectorsCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';

const server = ddbLocalForTests();
const client = () => new DynamoDBClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: CREDS, maxAttempts: 1 });
const vec = (xs) => ({ L: xs.map((x) => ({ N: String(x) })) });

test('SearchVectorsCommand finds the closest items, filtered and projected', async () => {
  const c = client();
  const created = await c.send(new CreateTableCommand({
    TableName: 'docs', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'lang', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    VectorIndexes: [{
      IndexName: 'by_embedding', VectorAttribute: { AttributeName: 'embedding' }, Dimensions: 2,
      DistanceFunction: 'COSINE', Projection: { ProjectionType: 'ALL' },
      SearchSchema: [{ AttributeName: 'lang', SearchSchemaElementType: 'INLINE_FILTER' }],
    }],
  }));
  assert.equal(created.TableDescription.VectorIndexes[0].IndexName, 'by_embedding');
  const rows = [['a', [1, 0], 'en'], ['b', [0, 1], 'en'], ['c', [1, 1], 'de'], ['d', [-1, 0], 'en']];
  for (const [id, v, lang] of rows)
    await c.send(new PutItemCommand({ TableName: 'docs', Item: { id: { S: id }, embedding: vec(v), lang: { S: lang } } }));
  const d = await c.send(new DescribeTableCommand({ TableName: 'docs' }));
  const ix = d.Table.VectorIndexes[0];
  assert.deepEqual([ix.IndexStatus, ix.ItemCount, ix.Dimensions, ix.DistanceFunction], ['ACTIVE', 4, 2, 'COSINE']);

  const all = await c.send(new SearchVectorsCommand({
    TableName: 'docs', IndexName: 'by_embedding', SearchVector: [{ N: '1' }, { N: '0' }], TopK: 4,
  }));
  assert.deepEqual(all.SearchResults.map((r) => r.Item.id.S), ['a', 'c', 'b', 'd']);
  assert.deepEqual(all.SearchResults.map((r) => r.Score).filter((_, i) => i !== 1), [0, 1, 2]);
  assert.equal(Math.fround(all.SearchResults[1].Score), Math.fround(1 - Math.fround(Math.SQRT1_2)));

  const en = await c.send(new SearchVectorsCommand({
    TableName: 'docs', IndexName: 'by_embedding', SearchVector: [{ N: '1' }, { N: '0' }], TopK: 2,
    SearchConditionExpression: 'lang = :l', ExpressionAttributeValues: { ':l': { S: 'en' } },
    ProjectionExpression: 'id', ReturnConsumedCapacity: 'TOTAL',
  }));
  assert.deepEqual(en.SearchResults.map((r) => r.Item), [{ id: { S: 'a' } }, { id: { S: 'b' } }]);
  assert.ok(en.ConsumedCapacity.VectorSearchRequestBytes > 0);

  await assert.rejects(c.send(new SearchVectorsCommand({
    TableName: 'docs', IndexName: 'by_embedding', SearchVector: [{ N: '1' }, { N: '0' }], TopK: 0,
  })), (e) => e.name === 'ValidationException' && e.message === "1 validation error detected: Value '0' at 'topK' "
    + 'failed to satisfy constraint: Member must have value greater than or equal to 1');
  await assert.rejects(c.send(new SearchVectorsCommand({
    TableName: 'docs', IndexName: 'by_embedding', SearchVector: [{ N: '1' }, { N: '0' }], TopK: 101,
  })), (e) => e.name === 'ValidationException'
    && e.message === "Provided TopK value '101' is out of valid range. The value must be between 1 and 100 inclusive");
});

test('an index added with UpdateTable is backfilled from the items', async () => {
  const c = client();
  await c.send(new UpdateTableCommand({
    TableName: 'docs',
    VectorIndexUpdates: [{ Create: { IndexName: 'by_distance', VectorAttribute: { AttributeName: 'embedding' },
      Dimensions: 2, DistanceFunction: 'EUCLIDEAN', Projection: { ProjectionType: 'KEYS_ONLY' } } }],
  }));
  const d = await c.send(new DescribeTableCommand({ TableName: 'docs' }));
  const ix = d.Table.VectorIndexes.find((x) => x.IndexName === 'by_distance');
  assert.deepEqual([ix.IndexStatus, ix.Backfilling, ix.ItemCount], ['ACTIVE', false, 4]);
  const r = await c.send(new SearchVectorsCommand({
    TableName: 'docs', IndexName: 'by_distance', SearchVector: [{ N: '1' }, { N: '1' }], TopK: 1,
  }));
  assert.deepEqual(r.SearchResults, [{ Item: { id: { S: 'c' } }, Score: 0 }]);
});
