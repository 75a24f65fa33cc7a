// Cruddur messages: a small single-page client on the HTTP API of MESSAGING.md. No framework.
// Routes: /messages, /messages/<group uuid>, /messages/new/<handle>. New messages, conversation moves
// and unread counts arrive live by Server-Sent Events (GET /api/events); while that stream is down
// the client polls every POLL_MS and tries the stream again.
"use strict";
const POLL_MS = 3000;
const MAX_CHARS = 1024;
const $ = (id) => document.getElementById(id);
const state = { token: localStorage.getItem("cruddur_token"), me: null, group: null, newHandle: null, newUser: null,
                groups: {}, groupsNext: null, olderNext: null, shown: new Set(), poll: null,
                // Conversations you just wrote to, newer here than in the list the server answers until
                // its stream worker has moved them: uuid -> the list row.
                sent: {}, counts: { count: 0, groups: {} }, events: null, live: false };

// ---- API ----
// Every call answers {status, data, next}; status 0 means the server could not be reached.
async function api(method, path, body) {
  let r;
  try {
    r = await fetch(path, { method, headers: { "Content-Type": "application/json",
      ...(state.token ? { Authorization: "Bearer " + state.token } : {}) }, body: body ? JSON.stringify(body) : undefined });
  } catch (e) {
    offline(true);
    return { status: 0, data: null, next: null };
  }
  offline(r.status >= 500);
  if (r.status === 401) { signOut(); throw new Error("signed out"); }
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }  // e.g. a proxy's HTML error page
  const link = r.headers.get("Link");
  const next = link && link.match(/<([^>]+)>;\s*rel="next"/);
  return { status: r.status, data, next: next ? next[1] : null };
}
// A notice while the server cannot be reached or fails; polling keeps trying and clears it.
function offline(down) {
  $("status").hidden = !down;
  if (down) $("status").textContent = "Cannot reach the server right now. Retrying…";
}
function sendFailure(status) {
  if (status === 0) return "Cannot reach the server. Your message was not sent; it is still here to send again.";
  if (status === 403) return "You are not part of this conversation.";
  if (status >= 500) return `The server could not send your message (error ${status}). It is still here; try again in a moment.`;
  return `Could not send your message (error ${status}).`;
}

// ---- time ----
function relative(iso) {
  const t = new Date(iso), s = (Date.now() - t.getTime()) / 1000;
  if (s < 60) return "now";
  if (s < 3600) return Math.floor(s / 60) + "m";
  if (s < 86400) return Math.floor(s / 3600) + "h";
  return t.toLocaleDateString();
}
const localTime = (iso) => new Date(iso).toLocaleString();  // the browser's time zone
const chars = (s) => Array.from(s).length;                  // Unicode characters, not bytes

const ERRORS = {
  message_blank: "Write a message first.",
  message_exceed_max_chars_1024: "Messages can be at most 1024 characters.",
  message_group_uuid_blank: "Choose a conversation.",
  user_receiver_handle_blank: "Say who to write to.",
  user_receiver_not_found: "There is no user with that handle.",
  cannot_message_self: "You cannot message yourself.",
};

// ---- sign in / out ----
async function showSignIn(message) {
  $("app").hidden = true; $("signin").hidden = false; $("who").hidden = true; $("signout").hidden = true;
  $("signin-error").textContent = message || "";
  const cfg = await (await fetch("/api/auth/config")).json();
  if (cfg.mode === "local") {
    $("local-signin").hidden = false;
    const box = $("demo-users");
    box.textContent = "";
    for (const u of cfg.users) {
      const b = document.createElement("button");
      b.textContent = `${u.display_name} (@${u.handle})`;
      b.dataset.handle = u.handle;
      b.onclick = async () => {
        const r = await fetch("/api/auth/local-token", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ handle: u.handle }) });
        if (r.ok) { state.token = (await r.json()).access_token; localStorage.setItem("cruddur_token", state.token); start(); }
        else $("signin-error").textContent = "Sign-in failed.";
      };
      box.appendChild(b);
    }
  } else {
    $("password-signin").hidden = false;
  }
}
$("password-signin").onsubmit = async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const r = await fetch("/api/auth/password", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: f.get("username"), password: f.get("password") }) });
  if (!r.ok) { $("signin-error").textContent = "Wrong username or password."; return; }
  state.token = (await r.json()).access_token;
  localStorage.setItem("cruddur_token", state.token);
  start();
};
function signOut() {
  state.token = null; state.me = null;
  localStorage.removeItem("cruddur_token");
  clearInterval(state.poll);
  stopEvents();
  showSignIn();
}
$("signout").onclick = () => { signOut(); history.pushState(null, "", "/messages"); };

// ---- conversations ----
function groupItem(g) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = "/messages/" + g.uuid;
  a.dataset.group = g.uuid;
  if (g.uuid === state.group) a.className = "active";
  const time = document.createElement("span"); time.className = "time"; time.textContent = relative(g.created_at);
  time.title = localTime(g.created_at);
  const name = document.createElement("span"); name.className = "name"; name.textContent = g.display_name + " ";
  const handle = document.createElement("span"); handle.className = "handle"; handle.textContent = "@" + g.handle;
  const last = document.createElement("span"); last.className = "last"; last.textContent = g.message;
  a.append(time, name, handle, last);
  const n = state.counts.groups[g.uuid];
  if (n && g.uuid !== state.group) {
    const u = document.createElement("span"); u.className = "unread"; u.textContent = n; u.title = `${n} unread`;
    a.appendChild(u);
  }
  a.onclick = (e) => { e.preventDefault(); go("/messages/" + g.uuid); };
  li.appendChild(a);
  return li;
}
async function loadGroups(more) {
  const r = await api("GET", more ? state.groupsNext : "/api/message_groups?limit=20");
  if (r.status !== 200 || !Array.isArray(r.data)) return;
  if (!more) state.groupOrder = [];
  for (const g of r.data) {
    const mine = state.sent[g.uuid];
    if (mine && mine.created_at <= g.created_at) delete state.sent[g.uuid];  // the server caught up
    state.groups[g.uuid] = g;
    if (!state.groupOrder.includes(g.uuid)) state.groupOrder.push(g.uuid);
  }
  state.groupsNext = r.next;
  renderGroups();
  $("groups-more").hidden = !r.next;
}
// The list: the server's rows, with the conversations you just wrote to moved to the top at once.
function renderGroups() {
  const rows = state.groupOrder.map((u) => state.sent[u] || state.groups[u]);
  for (const u of Object.keys(state.sent)) if (!state.groupOrder.includes(u)) rows.push(state.sent[u]);
  rows.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  const list = $("group-list");
  list.textContent = "";
  for (const g of rows) list.appendChild(groupItem(g));
  if (state.group && (state.sent[state.group] || state.groups[state.group])) setHead(state.sent[state.group] || state.groups[state.group]);
}
// After a message you sent: its conversation, as the list will show it once the worker moved it.
function noteSent(m, other) {
  if (!other) return;
  state.sent[m.message_group_uuid] = { uuid: m.message_group_uuid, display_name: other.display_name, handle: other.handle,
                                       message: m.message, created_at: m.created_at };
  if (!state.groupOrder) state.groupOrder = [];
  renderGroups();
}
$("groups-more").onclick = () => loadGroups(true);
$("group-list").parentElement.addEventListener("scroll", (e) => {
  const el = e.target;
  if (state.groupsNext && el.scrollTop + el.clientHeight >= el.scrollHeight - 20) loadGroups(true);
});

// ---- unread counts and live events ----
function showCounts(c) {
  if (!c || typeof c.count !== "number") return;
  state.counts = { count: c.count, groups: c.groups || {} };
  const badge = $("badge");
  badge.hidden = c.count === 0;
  badge.textContent = c.count > 99 ? "99+" : String(c.count);
  badge.title = `${c.count} unread`;
  if (state.groupOrder) renderGroups();
}
async function loadCounter() {
  const r = await api("GET", "/api/messages/counter");
  if (r.status === 200) showCounts(r.data);
}
function startPolling() { clearInterval(state.poll); state.poll = setInterval(poll, POLL_MS); }
async function connectEvents() {
  if (!state.token || state.events) return;
  const t = await api("POST", "/api/events/token");
  if (t.status !== 200 || !t.data) { setTimeout(connectEvents, 5 * POLL_MS); return; }  // no live events: keep polling
  const es = new EventSource("/api/events?token=" + encodeURIComponent(t.data.token));
  state.events = es;
  es.addEventListener("ready", () => { state.live = true; clearInterval(state.poll); offline(false); });
  es.addEventListener("message", (e) => onMessageEvent(JSON.parse(e.data)));
  es.addEventListener("counter", (e) => showCounts(JSON.parse(e.data)));
  es.addEventListener("groups", () => { clearTimeout(state.groupsTimer); state.groupsTimer = setTimeout(() => loadGroups(false), 100); });
  es.onerror = () => {  // the stream dropped: poll until it is back (a token lives a minute, so ask again)
    es.close();
    if (state.events === es) { state.events = null; state.live = false; }
    if (!state.token) return;
    startPolling();
    setTimeout(connectEvents, POLL_MS);
  };
}
function stopEvents() { if (state.events) state.events.close(); state.events = null; state.live = false; }
function onMessageEvent(ev) {
  const m = ev.message;
  if (!m) return;
  const mine = state.me && m.handle === state.me.handle;
  const row = state.sent[ev.group] || state.groups[ev.group];
  if (row) noteSent({ ...m, message_group_uuid: ev.group }, row);
  else loadGroups(false);  // a new conversation
  if (ev.group === state.group) {
    appendMessages([m], false);
    if (!mine) api("POST", `/api/messages/${ev.group}/read`).then((r) => { if (r.status === 200) showCounts(r.data); });
  }
}

// ---- a conversation ----
function messageEl(m) {
  const div = document.createElement("div");
  div.className = "msg" + (state.me && m.handle === state.me.handle ? " mine" : "");
  div.dataset.uuid = m.uuid;
  const meta = document.createElement("span"); meta.className = "meta";
  meta.textContent = `${m.display_name} @${m.handle} · ${localTime(m.created_at)}`;
  const text = document.createElement("span"); text.className = "text"; text.textContent = m.message;
  div.append(meta, text);
  return div;
}
function appendMessages(msgs, atTop) {
  const box = $("messages");
  const fresh = msgs.filter((m) => !state.shown.has(m.uuid));
  fresh.forEach((m) => state.shown.add(m.uuid));
  if (!fresh.length) return;
  $("thread-empty").hidden = true;
  if (atTop) {
    const before = box.scrollHeight;
    const first = box.querySelector(".msg");
    fresh.forEach((m) => box.insertBefore(messageEl(m), first));
    box.scrollTop += box.scrollHeight - before;  // keep the reader's place
  } else {
    const nearBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
    fresh.forEach((m) => box.appendChild(messageEl(m)));
    if (nearBottom) box.scrollTop = box.scrollHeight;
  }
}
async function openGroup(group) {
  state.group = group; state.newHandle = null; state.shown = new Set(); state.olderNext = null;
  const box = $("messages");
  box.querySelectorAll(".msg").forEach((n) => n.remove());
  $("send-form").hidden = false;
  const r = await api("GET", `/api/messages/${group}?limit=30`);
  if (r.status !== 200 || !Array.isArray(r.data)) {
    $("thread-head").textContent = r.status === 403 ? "You are not part of this conversation."
      : r.status === 404 ? "Conversation not found."
      : r.status === 0 ? "Cannot reach the server; this conversation will load when it answers."
      : `Could not load this conversation (error ${r.status}).`;
    $("send-form").hidden = true;
    if (r.status === 0 || r.status >= 500) state.group = null, state.retryGroup = group;  // poll() retries
    return;
  }
  state.retryGroup = null;
  const other = state.sent[group] || state.groups[group] || r.data.find((m) => m.handle !== state.me.handle);
  if (other) setHead(other); else $("thread-head").textContent = "Conversation";
  appendMessages(r.data, false);
  box.scrollTop = box.scrollHeight;
  loadCounter();  // reading the newest page cleared this conversation's count
  state.olderNext = r.next;
  fillUp();
  document.querySelectorAll(".group-list a").forEach((a) => a.classList.toggle("active", a.dataset.group === group));
}
// The thread's title: the other person (from the conversation list, or their message).
function setHead(other) { $("thread-head").textContent = `${other.display_name} @${other.handle}`; }
async function loadOlder() {
  if (!state.olderNext || state.loadingOlder) return;
  state.loadingOlder = true;
  const url = state.olderNext;
  state.olderNext = null;
  const r = await api("GET", url);
  state.loadingOlder = false;
  if (r.status !== 200) return;
  appendMessages(r.data, true);
  state.olderNext = r.next;
  fillUp();
}
// While the thread does not fill its pane there is nothing to scroll: load older pages until it does.
function fillUp() {
  const box = $("messages");
  if (state.olderNext && box.scrollHeight <= box.clientHeight + 40) loadOlder();
}
$("messages").addEventListener("scroll", (e) => { if (e.target.scrollTop < 40) loadOlder(); });
async function openNew(handle) {
  state.group = null; state.newHandle = handle; state.shown = new Set();
  $("messages").querySelectorAll(".msg").forEach((n) => n.remove());
  const r = await api("GET", `/api/users/@${encodeURIComponent(handle)}/short`);
  if (r.status !== 200 || !r.data) {
    $("thread-head").textContent = r.status === 404 ? `No user @${handle}.` : `Cannot look up @${handle} right now (${r.status ? "error " + r.status : "no answer from the server"}).`;
    $("send-form").hidden = true;
    return;
  }
  const u = r.data;
  state.newUser = u;
  $("thread-head").textContent = `New message to ${u.display_name} @${u.handle}`;
  $("thread-empty").hidden = false;
  $("thread-empty").textContent = "Write the first message; an existing conversation with them is reused.";
  $("send-form").hidden = false;
  $("send-text").focus();
}

// ---- sending ----
function updateCounter() {
  const n = chars($("send-text").value);
  $("counter").textContent = `${n} / ${MAX_CHARS}`;
  $("counter").classList.toggle("over", n > MAX_CHARS);
}
$("send-text").addEventListener("input", updateCounter);
$("send-text").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("send-form").requestSubmit(); }
});
$("send-form").onsubmit = async (e) => {
  e.preventDefault();
  const text = $("send-text").value;
  const body = state.group ? { message: text, message_group_uuid: state.group } : { message: text, handle: state.newHandle };
  $("send-button").disabled = true;
  const r = await api("POST", "/api/messages", body).finally(() => { $("send-button").disabled = false; });
  if (r.status === 200 && r.data) {
    $("send-error").textContent = "";
    $("send-text").value = "";
    updateCounter();
    noteSent(r.data, state.group ? state.sent[state.group] || state.groups[state.group] : state.newUser);
    if (!state.group) { history.pushState(null, "", "/messages/" + r.data.message_group_uuid); await openGroup(r.data.message_group_uuid); }
    else appendMessages([r.data], false);
    $("messages").scrollTop = $("messages").scrollHeight;
  } else if (r.status === 422 && Array.isArray(r.data)) {
    $("send-error").textContent = r.data.map((c) => ERRORS[c] || c).join(" ");  // the text stays in the box
  } else {
    $("send-error").textContent = sendFailure(r.status);  // the text stays in the box
  }
};
$("new-form").onsubmit = (e) => {
  e.preventDefault();
  const h = $("new-handle").value.trim().replace(/^@/, "");
  if (h) go("/messages/new/" + h);
};

// ---- routing and polling ----
function route() {
  const p = location.pathname;
  let m;
  document.querySelector(".layout").classList.toggle("in-thread", p !== "/messages" && p !== "/");
  if ((m = p.match(/^\/messages\/new\/([^/]+)$/))) openNew(decodeURIComponent(m[1]).replace(/^@/, ""));
  else if ((m = p.match(/^\/messages\/([0-9a-f-]{36})$/))) openGroup(m[1]);
  else { state.group = null; $("send-form").hidden = true; $("thread-head").textContent = ""; }
}
function go(path) { history.pushState(null, "", path); route(); }
$("back").onclick = (e) => { e.preventDefault(); go("/messages"); };
window.addEventListener("popstate", route);
async function poll() {
  if (!state.token || state.live) return;
  loadCounter();
  await loadGroups(false);
  if (state.retryGroup && !state.group) return openGroup(state.retryGroup);
  if (state.group) {
    const r = await api("GET", `/api/messages/${state.group}?limit=30`);
    if (r.status === 200) appendMessages(r.data, false);
  }
}
async function start() {
  if (!state.token) return showSignIn();
  let r;
  try { r = await fetch("/api/me", { headers: { Authorization: "Bearer " + state.token } }); } catch (e) { r = null; }
  if (!r || r.status >= 500) { offline(true); setTimeout(start, POLL_MS); return; }  // keep the sign-in; try again
  if (!r.ok) return signOut();
  offline(false);
  state.me = await r.json();
  $("signin").hidden = true; $("app").hidden = false;
  $("who").hidden = false; $("who").textContent = `${state.me.display_name} @${state.me.handle}`;
  $("signout").hidden = false;
  if (location.pathname === "/") history.replaceState(null, "", "/messages");
  await loadGroups(false);
  route();
  loadCounter();
  startPolling();
  connectEvents();
}
start();
