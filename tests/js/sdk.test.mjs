// ddb-local through the AWS SDK for JavaScript v3, including a stream read end to end with the
// SDK's own validation of shard ids and sequence numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ddbLocalForTests, CREDS as creds } from './server.mjs';
import { DynamoDBClient, CreateTableCommand, DescribeTableCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBStreamsClient, ListStreamsCommand, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';

const server = ddbLocalForTests();

const client = () => new DynamoDBClient({ endpoint: server.endpoint, region: 'eu-central-1', credentials: creds });

test('document client: put, update, query newest first with pagination', async () => {
  const ddb = client();
  const doc = DynamoDBDocumentClient.from(ddb);
  await ddb.send(new CreateTableCommand({
    TableName: 'cruddur-messages', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  }));
  const d = await ddb.send(new DescribeTableCommand({ TableName: 'cruddur-messages' }));
  assert.equal(d.Table.TableStatus, 'ACTIVE');
  for (let i = 0; i < 25; i++) {
    await doc.send(new PutCommand({ TableName: 'cruddur-messages',
      Item: { pk: 'MSG#g1', sk: `2026-11-24T08:${String(i).padStart(2, '0')}:00.000000Z`, message: `m${i}`, n: i } }));
  }
  await doc.send(new UpdateCommand({ TableName: 'cruddur-messages', Key: { pk: 'MSG#g1', sk: '2026-11-24T08:00:00.000000Z' },
    UpdateExpression: 'SET #m = :m ADD n :one', ExpressionAttributeNames: { '#m': 'message' },
    ExpressionAttributeValues: { ':m': 'edited', ':one': 100 } }));
  const got = await doc.send(new GetCommand({ TableName: 'cruddur-messages', Key: { pk: 'MSG#g1', sk: '2026-11-24T08:00:00.000000Z' } }));
  assert.deepEqual(got.Item, { pk: 'MSG#g1', sk: '2026-11-24T08:00:00.000000Z', message: 'edited', n: 100 });
  const seen = [];
  let ExclusiveStartKey;
  do {
    const page = await doc.send(new QueryCommand({ TableName: 'cruddur-messages', KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': 'MSG#g1' }, ScanIndexForward: false, Limit: 10, ExclusiveStartKey }));
    seen.push(...page.Items.map((i) => i.n));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  assert.equal(seen.length, 25);
  assert.equal(seen[0], 24);
  assert.equal(seen[24], 100);
});

test('transaction cancellation reasons reach the SDK', async () => {
  const ddb = client();
  await assert.rejects(ddb.send(new TransactWriteItemsCommand({ TransactItems: [
    { ConditionCheck: { TableName: 'cruddur-messages', Key: { pk: { S: 'nope' }, sk: { S: 'x' } }, ConditionExpression: 'attribute_exists(pk)' } },
    { Put: { TableName: 'cruddur-messages', Item: { pk: { S: 'a' }, sk: { S: 'b' } } } },
  ] })), (e) => {
    assert.equal(e.name, 'TransactionCanceledException');
    assert.deepEqual(e.CancellationReasons.map((r) => r.Code), ['ConditionalCheckFailed', 'None']);
    return true;
  });
});

test('streams client reads every record in order', async () => {
  const streams = new DynamoDBStreamsClient({ endpoint: server.endpoint, region: 'eu-central-1', credentials: creds });
  const { Streams } = await streams.send(new ListStreamsCommand({ TableName: 'cruddur-messages' }));
  assert.equal(Streams.length, 1);
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Streams[0].StreamArn }));
  assert.equal(StreamDescription.StreamStatus, 'ENABLED');
  const shard = StreamDescription.Shards[0];
  let { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: Streams[0].StreamArn,
    ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
  const records = [];
  for (let i = 0; i < 10 && ShardIterator; i++) {
    const r = await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 7 }));
    records.push(...r.Records);
    ShardIterator = r.Records.length ? r.NextShardIterator : undefined;
  }
  assert.equal(records.length, 26);  // 25 inserts + 1 modify
  assert.equal(records[0].eventName, 'INSERT');
  assert.equal(records[25].eventName, 'MODIFY');
  assert.equal(records[25].dynamodb.NewImage.message.S, 'edited');
  assert.ok(records[0].dynamodb.ApproximateCreationDateTime instanceof Date);
  const seqs = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1]);
});
