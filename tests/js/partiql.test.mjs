// PartiQL through the AWS SDK for JavaScript v3: the low-level commands and the document client's
// ExecuteStatementCommand (JavaScript values as parameters), paging with NextToken, transactions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ddbLocalForTests, CREDS as creds } from './server.mjs';
import { DynamoDBClient, CreateTableCommand, ExecuteStatementCommand as RawExecute,
  BatchExecuteStatementCommand, ExecuteTransactionCommand, TransactionCanceledException,
  DuplicateItemException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ExecuteStatementCommand } from '@aws-sdk/lib-dynamodb';

const server = ddbLocalForTests();

const client = () => new DynamoDBClient({ endpoint: server.endpoint, region: 'eu-central-1', credentials: creds });

test('PartiQL: document client statements, paging, batch and transaction', async () => {
  const ddb = client();
  const doc = DynamoDBDocumentClient.from(ddb);
  await ddb.send(new CreateTableCommand({
    TableName: 'pq-js', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  }));
  for (let i = 0; i < 30; i++) {
    await doc.send(new ExecuteStatementCommand({ Statement: 'INSERT INTO "pq-js" VALUE {\'pk\': ?, \'sk\': ?, \'tags\': ?}',
      Parameters: ['g1', i, new Set(['a', `t${i}`])] }));
  }
  await assert.rejects(ddb.send(new RawExecute({ Statement: 'INSERT INTO "pq-js" VALUE {\'pk\': \'g1\', \'sk\': 0}' })),
    (e) => e instanceof DuplicateItemException);
  const seen = [];
  let NextToken;
  do {
    const page = await doc.send(new ExecuteStatementCommand({ Statement: 'SELECT sk FROM "pq-js" WHERE pk = ? ORDER BY sk DESC',
      Parameters: ['g1'], Limit: 7, NextToken }));
    seen.push(...page.Items.map((i) => i.sk));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.deepEqual(seen, [...Array(30).keys()].reverse());
  const b = await ddb.send(new BatchExecuteStatementCommand({ Statements: [
    { Statement: 'SELECT tags FROM "pq-js" WHERE pk = \'g1\' AND sk = 3' },
    { Statement: 'SELECT * FROM "pq-js" WHERE pk = \'g1\' AND sk = 99' }] }));
  assert.deepEqual(b.Responses[0].Item.tags.SS.sort(), ['a', 't3']);
  assert.equal(b.Responses[1].Item, undefined);
  await assert.rejects(ddb.send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: 'UPDATE "pq-js" SET n = 1 WHERE pk = \'g1\' AND sk = 1' },
    { Statement: 'EXISTS(SELECT * FROM "pq-js" WHERE pk = \'g1\' AND sk = 2 AND contains(tags, \'nope\'))' }] })),
    (e) => e instanceof TransactionCanceledException && e.CancellationReasons[1].Code === 'ConditionalCheckFailed');
  const after = await doc.send(new ExecuteStatementCommand({ Statement: 'SELECT n FROM "pq-js" WHERE pk = \'g1\' AND sk = 1' }));
  assert.deepEqual(after.Items, [{}]);
});
