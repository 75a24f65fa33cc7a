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

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'cruddur-web-'));
  proc = spawn(path.join(BUILD, 'cruddur'), ['serve', '--port', '0', '--ddb-port', '0', '--data-dir', dataDir],
               { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: proc.stdout });
  base = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('cruddur did not start')), 20000);
    rl.on('line', (l) => { const m = l.match(/^Listening on (http:\/\/127\.0\.0\.1:\d+)/); if (m) { clearTimeout(t); resolve(m[1]); } });
  });
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

async function signIn(handle, viewport = { width: 1200, height: 800 }) {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  await page.goto(base + '/');
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
  await p.click('#signout');
  await p.waitForSelector('#signin:not([hidden])');
  await p.evaluate(() => localStorage.setItem('cruddur_token', 'not-a-token'));
  await p.goto(base + '/messages');
  await p.waitForSelector('#signin:not([hidden])');
  assert.equal(await p.locator('#app').isVisible(), false);
  await p.context().close();
});
