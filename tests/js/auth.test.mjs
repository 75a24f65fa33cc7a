// ddb-local --credentials through the AWS SDK for JavaScript v3: the right secret works, a wrong
// secret and an unknown key get DynamoDB's errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDdbLocal } from './server.mjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand, CreateTableCommand, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';

let proc, endpoint;
const key = 'AKIDJSTEST', secret = 'js-secret/0123456789';

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ddb-auth-'));
  writeFileSync(join(dir, 'credentials'), `[default]\naws_access_key_id = ${key}\naws_secret_access_key = ${secret}\n`);
  ({ proc, endpoint } = await startDdbLocal(['--credentials', join(dir, 'credentials')]));
});
after(() => proc.kill('SIGTERM'));

const client = (accessKeyId, secretAccessKey) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });

test('the right secret works', async () => {
  const c = client(key, secret);
  await c.send(new CreateTableCommand({ TableName: 'auth', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }] }));
  await c.send(new PutItemCommand({ TableName: 'auth', Item: { k: { S: 'é ✓' } } }));
  const got = await c.send(new GetItemCommand({ TableName: 'auth', Key: { k: { S: 'é ✓' } } }));
  assert.equal(got.Item.k.S, 'é ✓');
});

test('a wrong secret and an unknown key are refused', async () => {
  await assert.rejects(client(key, 'wrong').send(new ListTablesCommand({})), (e) => {
    assert.equal(e.name, 'InvalidSignatureException');
    return true;
  });
  await assert.rejects(client('AKIDNOBODY', secret).send(new ListTablesCommand({})), (e) => {
    assert.equal(e.name, 'UnrecognizedClientException');
    assert.equal(e.message, 'The security token included in the request is invalid.');
    return true;
  });
});
