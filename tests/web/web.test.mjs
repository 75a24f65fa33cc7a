// The web client in headless Chromium against a real `cruddur serve`: two users in two browser
// contexts start a conversation and exchange messages (seen without reloading), page back through the
// demo conversation, see the 422 message for an over-long text, sign out. Screenshots of the key
// screens go to $ARTIFACT_DIR (default build/artifacts/web), not to the repository.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const here = path.dirname(new URL(import.meta.url).pathname);
const BUILD = process.env.DDB_BUILD_DIR || path.join(here, '../../build');
const ARTIFACTS = process.env.ARTIFACT_DIR || path.join(BUILD, 'artifacts/web');
let proc, base, browser, dataDir;

// Starts a program that prints "Listening on http://127.0.0.1:PORT"; resolves to [process, url].
async function startServer(bin, args) {
  const p = spawn(path.join(BUILD, bin), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: p.stdout });
  const url = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(bin + ' did not start')), 20000);
    rl.on('line', (l) => { const m = l.match(/^Listening on (http:\/\/127\.0\.0\.1:\d+)/); if (m) { clearTimeout(t); resolve(m[1]); } });
  });
  return [p, url];
}
const exited = (p) => new Promise((resolve) => { if (p.exitCode !== null || p.signalCode) resolve(); else p.once('exit', resolve); });

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'cruddur-web-'));
  [proc, base] = await startServer('cruddur', ['serve', '--port', '0', '--ddb-port', '0', '--data-dir', dataDir]);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  proc?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(handle, viewport = { width: 1200, height: 800 }, at = base) {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  await page.goto(at + '/');
  await page.click(`#demo-users button[data-handle="${handle}"]`);
  await page.waitForSelector('#app:not([hidden])');
  return page;
}

test('two users start a conversation and see each other\'s messages without reloading', async () => {
  const a = await signIn('andrewbrown');
  await a.waitForSelector('.group-list a');
  await a.screenshot({ path: path.join(ARTIFACTS, '1-conversations.png') });
  // Start a conversation with @londo from /messages/new/<handle>.
  await a.goto(base + '/messages/new/londo');
  await a.waitForSelector('#thread-head:has-text("Londo Mollari")');
  await a.fill('#send-text', 'Hello Londo, line one');
  await a.press('#send-text', 'Shift+Enter');
  await a.type('#send-text', 'line two');
  await a.press('#send-text', 'Enter');
  await a.waitForURL(/\/messages\/[0-9a-f-]{36}$/);
  await a.waitForSelector('.msg.mine:has-text("line two")');
  const text = await a.textContent('.msg.mine .text');
  assert.equal(text, 'Hello Londo, line one\nline two');
  const groupUrl = a.url();

  const b = await signIn('londo');
  await b.waitForSelector('.group-list a:has-text("Andrew Brown")', { timeout: 10000 });
  await b.click('.group-list a:has-text("Andrew Brown")');
  await b.waitForSelector('.msg:not(.mine):has-text("line two")');
  await b.fill('#send-text', 'Hi Andrew!');
  await b.press('#send-text', 'Enter');
  await b.waitForSelector('.msg.mine:has-text("Hi Andrew!")');
  // A sees the reply arrive in the open conversation and in the list, by polling.
  await a.waitForSelector('.msg:not(.mine):has-text("Hi Andrew!")', { timeout: 10000 });
  await a.waitForSelector('.group-list a:has-text("Hi Andrew!")', { timeout: 10000 });
  assert.equal(a.url(), groupUrl);
  await a.screenshot({ path: path.join(ARTIFACTS, '2-thread.png') });
  await b.screenshot({ path: path.join(ARTIFACTS, '3-thread-other-side.png') });
  // Starting again with @londo reuses the conversation.
  await a.goto(base + '/messages/new/londo');
  await a.fill('#send-text', 'Same conversation?');
  await a.press('#send-text', 'Enter');
  await a.waitForURL(groupUrl);
  await a.context().close();
  await b.context().close();
});

test('pages back through the 100-message demo conversation by scrolling up', async () => {
  const a = await signIn('andrewbrown');
  await a.click('.group-list a:has-text("Andrew Bayko")');
  await a.waitForSelector('.msg:has-text("Demo message 100 of 100")');
  assert.equal(await a.locator('.msg').count(), 30);
  for (let i = 0; i < 10 && await a.locator('.msg').count() < 100; i++) {
    await a.evaluate(() => { document.getElementById('messages').scrollTop = 0; });
    await a.waitForTimeout(300);
  }
  assert.equal(await a.locator('.msg').count(), 100);
  const first = await a.locator('.msg .text').first().textContent();
  assert.equal(first, 'Demo message 1 of 100 from @andrewbrown');
  await a.screenshot({ path: path.join(ARTIFACTS, '4-oldest-page.png') });
  await a.context().close();
});

test('an over-long message shows the API\'s 422 in words and keeps the text', async () => {
  const a = await signIn('andrewbrown');
  await a.click('.group-list a:has-text("Andrew Bayko")');
  await a.waitForSelector('#send-form:not([hidden])');
  const long = 'é'.repeat(1025);
  await a.fill('#send-text', long);
  assert.equal(await a.textContent('#counter'), '1025 / 1024');
  assert.ok(await a.locator('#counter.over').count());
  await a.press('#send-text', 'Enter');
  await a.waitForSelector('#send-error:has-text("at most 1024 characters")');
  assert.equal(await a.inputValue('#send-text'), long);
  await a.screenshot({ path: path.join(ARTIFACTS, '5-error.png') });
  await a.context().close();
});

test('phone width, sign out, and a bad token sends you back to sign-in', async () => {
  const p = await signIn('bayko', { width: 390, height: 844 });
  await p.waitForSelector('.group-list a');
  assert.ok(await p.locator('.groups').isVisible());
  await p.screenshot({ path: path.join(ARTIFACTS, '6-phone.png') });
  // "Sign out" stays on one line beside the name.
  const so = await p.locator('#signout').boundingBox();
  const lineHeight = await p.evaluate(() => parseFloat(getComputedStyle(document.getElementById('signout')).lineHeight));
  assert.ok(so.height < 2 * lineHeight, `Sign out wraps: ${so.height}px for a ${lineHeight}px line`);
  // A thread: the newest message, the box and Send are on screen without scrolling, and there is a way back.
  await p.click('.group-list a:has-text("Andrew Brown")');
  await p.waitForSelector('.msg:has-text("Demo message 100 of 100")');
  for (const sel of ['#send-text', '#send-button', '#counter', '#back']) {
    const b = await p.locator(sel).boundingBox();
    assert.ok(b && b.y >= 0 && b.y + b.height <= 844 && b.x + b.width <= 390, `${sel} is off screen: ${JSON.stringify(b)}`);
  }
  const last = await p.locator('.msg').last().boundingBox();
  assert.ok(last.y + last.height <= 844, 'the newest message is below the fold');
  assert.equal(await p.locator('.groups').isVisible(), false);
  await p.screenshot({ path: path.join(ARTIFACTS, '7-phone-thread.png') });
  await p.click('#back');
  await p.waitForURL(/\/messages$/);
  assert.ok(await p.locator('.groups').isVisible());
  await p.click('#signout');
  await p.waitForSelector('#signin:not([hidden])');
  await p.evaluate(() => localStorage.setItem('cruddur_token', 'not-a-token'));
  await p.goto(base + '/messages');
  await p.waitForSelector('#signin:not([hidden])');
  assert.equal(await p.locator('#app').isVisible(), false);
  await p.context().close();
});

test('your own conversation list moves at once when you send, before the server\'s list catches up', async () => {
  const a = await signIn('andrewbrown');
  await a.waitForSelector('.group-list a');
  await a.click('.group-list a:has-text("Andrew Bayko")');
  await a.waitForSelector('#send-form:not([hidden])');
  // From here on the server's list answers fail (as if its stream worker lagged forever): only the
  // client's own bookkeeping can move the conversation.
  await a.route('**/api/message_groups*', (r) => r.abort());
  const text = 'List moves now ' + Date.now();
  await a.fill('#send-text', text);
  await a.press('#send-text', 'Enter');
  await a.waitForSelector('.msg.mine:has-text("' + text + '")');
  await a.waitForSelector('.group-list li:first-child a:has-text("' + text + '")', { timeout: 1000 });
  await a.unroute('**/api/message_groups*');
  await a.context().close();
});

test('when the store fails or the server is gone, Send says so in words and keeps the text', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cruddur-web-down-'));
  const [ddb, ddbUrl] = await startServer('ddb-local', ['-inMemory', '-sharedDb', '--port', '0']);
  const [app, url] = await startServer('cruddur', ['serve', '--port', '0', '--ddb-endpoint', ddbUrl, '--data-dir', dir]);
  try {
    const pages = {};
    for (const [viewport, name] of [[{ width: 1200, height: 800 }, 'desktop'], [{ width: 390, height: 844 }, 'phone']]) {
      pages[name] = await signIn('andrewbrown', viewport, url);
      await pages[name].click('.group-list a:has-text("Andrew Bayko")');
      await pages[name].waitForSelector('#send-form:not([hidden])');
    }
    ddb.kill('SIGKILL');  // DynamoDB is gone: the API answers 503
    await exited(ddb);
    for (const [name, a] of Object.entries(pages)) {
      await a.fill('#send-text', 'Are you there?');
      await a.press('#send-text', 'Enter');
      await a.waitForSelector('#send-error:has-text("could not send your message (error 503)")', { timeout: 30000 });
      assert.equal(await a.inputValue('#send-text'), 'Are you there?');
      await a.screenshot({ path: path.join(ARTIFACTS, `8-store-down-${name}.png`) });
    }
    app.kill('SIGTERM');  // now the server itself is gone
    await exited(app);
    const a = pages.phone;
    await a.press('#send-text', 'Enter');
    await a.waitForSelector('#send-error:has-text("Cannot reach the server")', { timeout: 10000 });
    assert.equal(await a.inputValue('#send-text'), 'Are you there?');
    await a.waitForSelector('#status:not([hidden])');
    await a.screenshot({ path: path.join(ARTIFACTS, '9-server-down-phone.png') });
    for (const pg of Object.values(pages)) await pg.context().close();
  } finally {
    ddb.kill('SIGKILL');
    app.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the unread badge counts up and clears, and messages arrive live without polling', async () => {
  const a = await signIn('andrewbrown');
  const b = await signIn('bayko');
  // B reads the demo conversation (its count clears), then A's count is what A has not read.
  await b.click('.group-list a:has-text("Andrew Brown")');
  await b.waitForSelector('.msg:has-text("Demo message 100 of 100")');
  await b.waitForSelector('#badge', { state: 'hidden' });
  await a.waitForSelector('.group-list a:has-text("Andrew Bayko")');
  const before = await a.evaluate(() => { const b = document.getElementById('badge'); return b.hidden ? 0 : Number(b.textContent); });
  // From now on, count A's polling requests: with live events there must be none.
  const polled = [];
  a.on('request', (r) => { if (/\/api\/messages\/(counter|[0-9a-f-]{36})(\?|$)/.test(r.url()) && r.method() === 'GET') polled.push(r.url()); });
  for (const text of ['Live one', 'Live two']) {
    await b.fill('#send-text', text);
    await b.press('#send-text', 'Enter');
    await b.waitForSelector(`.msg.mine:has-text("${text}")`);
  }
  await a.waitForFunction((n) => document.getElementById('badge').textContent === String(n), before + 2, { timeout: 5000 });
  await a.waitForSelector(`.group-list a:has-text("Live two") .unread:has-text("${before + 2}")`, { timeout: 5000 });
  await a.screenshot({ path: path.join(ARTIFACTS, '10-badge.png') });
  assert.deepEqual(polled, []);
  // A opens the conversation: the badge clears.
  await a.click('.group-list a:has-text("Andrew Bayko")');
  await a.waitForSelector('.msg:has-text("Live two")');
  await a.waitForSelector('#badge', { state: 'hidden', timeout: 5000 });
  // A message from B appears in A's open conversation within a second: far sooner than a poll.
  polled.length = 0;
  const t0 = Date.now();
  await b.fill('#send-text', 'Arrives live');
  await b.press('#send-text', 'Enter');
  await a.waitForSelector('.msg:not(.mine):has-text("Arrives live")', { timeout: 1000 });
  const ms = Date.now() - t0;
  assert.ok(ms < 1000, `took ${ms} ms`);
  assert.deepEqual(polled.filter((u) => !u.includes('/read')), [], 'A polled instead of receiving the event');
  await a.waitForSelector('#badge', { state: 'hidden' });  // read at once, since it is open
  await a.screenshot({ path: path.join(ARTIFACTS, '11-live.png') });
  await a.context().close();
  await b.context().close();
});
