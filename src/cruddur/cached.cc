#include "cruddur/cached.h"

#include <algorithm>
#include <ctime>

#include "cruddur/json.h"
#include "util/random.h"

namespace cruddur {

using ddb::Error;
using ddb::Result;

std::string encode_page(const Page& p) {
  Json j;
  j.obj().kv("next", p.next_cursor).key("rows").arr();
  for (auto& r : p.rows)
    j.arr().str(r.uuid).str(r.display_name).str(r.handle).str(r.message).str(r.created_at).end_arr();
  return j.end_arr().end_obj().take();
}

bool decode_page(const std::string& text, Page* p) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject() || !member_of(d, "rows").IsArray()) return false;
  p->next_cursor = str_of(d, "next");
  for (auto& r : array_of(d, "rows")) {
    if (!r.IsArray() || r.Size() != 5) return false;
    for (auto& f : r.GetArray())
      if (!f.IsString()) return false;
    p->rows.push_back(
        Row{r[0].GetString(), r[1].GetString(), r[2].GetString(), r[3].GetString(), r[4].GetString()});
  }
  return true;
}

void sent_fields(Json& j, const SentMessage& m) {
  j.kv("uuid", m.uuid).kv("display_name", m.display_name).kv("handle", m.handle).kv("message", m.message);
  j.kv("created_at", m.created_at);
}

std::string counts_json(const UnreadCounts& c) {
  Json j;
  j.obj().key("count").num(c.total).key("groups").obj();
  for (auto& [g, n] : c.groups) j.key(g).num(n);
  return j.end_obj().end_obj().take();
}

namespace {
std::string row_json(const std::string& group, const SentMessage& m) {
  Json j;
  j.obj().kv("group", group).key("message").obj();
  sent_fields(j, m);
  return j.end_obj().end_obj().take();
}
}  // namespace

Result<std::vector<std::string>> CachedMessaging::members(const std::string& group) {
  std::string key = "mem:" + group;
  if (cache_) {
    auto got = cache_->mget({key});
    if (got.ok() && (*got)[0] && !(*got)[0]->empty()) {
      std::vector<std::string> out;
      for (size_t i = 0; i <= (*got)[0]->size();) {
        size_t comma = (*got)[0]->find(',', i);
        if (comma == std::string::npos) comma = (*got)[0]->size();
        out.push_back((*got)[0]->substr(i, comma - i));
        i = comma + 1;
      }
      ++stats_.hits;
      return out;
    }
    ++stats_.misses;
  }
  std::vector<std::string> m;
  DDB_ASSIGN(m, service_.group_members(group));
  if (cache_ && !m.empty()) {
    std::string joined;
    for (auto& u : m) joined += (joined.empty() ? "" : ",") + u;
    (void)cache_->set(key, joined);
  }
  return m;
}

// A page from the cache when its tag is the key's current generation; otherwise loaded and stored
// tagged with the generation read before loading (so an invalidation meanwhile makes it unusable).
// Generations expire like every entry: a missing one reads "0", and a page tagged "0" was stored
// before the first bump that followed, so it expires before that bump's generation does.
Outcome<Page> CachedMessaging::cached_page(const std::string& key, int limit,
                                           const std::function<Outcome<Page>()>& load) {
  if (!cache_) return load();
  std::string page_key = "page:" + key + ":" + std::to_string(limit);
  auto got = cache_->mget({"gen:" + key, page_key});
  if (got.ok()) {
    std::string gen = (*got)[0].value_or("0");
    if (const auto& v = (*got)[1]; v && v->compare(0, gen.size() + 1, gen + "\n") == 0) {
      Page p;
      if (decode_page(v->substr(gen.size() + 1), &p)) {
        ++stats_.hits;
        return Outcome<Page>::ok(std::move(p));
      }
    }
  }
  ++stats_.misses;
  auto page = load();
  if (page.value && got.ok())
    (void)cache_->set(page_key, (*got)[0].value_or("0") + "\n" + encode_page(*page.value));
  return page;
}

void CachedMessaging::invalidate(const std::string& key) {
  if (cache_) (void)cache_->incr("gen:" + key);
}

Outcome<Page> CachedMessaging::list_groups(const User& me, int limit, const std::string& cursor) {
  if (!cursor.empty()) return service_.list_groups(me, limit, cursor);
  return cached_page("grp:" + me.uuid, limit, [&] { return service_.list_groups(me, limit, ""); });
}

Outcome<Page> CachedMessaging::list_messages(const User& me, const std::string& group, int limit,
                                             const std::string& cursor) {
  auto m = members(group);
  if (!m.ok()) return Outcome<Page>::fail(service_failure(m.error()));
  if (m->empty()) return Outcome<Page>::fail({404, {}, "conversation not found"});
  if (std::find(m->begin(), m->end(), me.uuid) == m->end())
    return Outcome<Page>::fail({403, {}, "not a participant of this conversation"});
  if (!cursor.empty()) return service_.messages_page(group, limit, cursor);
  auto page = cached_page("msg:" + group, limit, [&] { return service_.messages_page(group, limit, ""); });
  if (page.value && !page.value->rows.empty()) {
    auto changed = unread_.mark_read(me.uuid, group, page.value->rows.back().created_at);
    if (changed.ok() && *changed) publish_counts(me.uuid);
  }
  return page;
}

Outcome<SentMessage> CachedMessaging::send(const User& me, const SendRequest& r) {
  // A conversation's participants never change: they come from the cache ("mem:<group>").
  auto out = service_.send(me, r, [this](const std::string& group) { return members(group); });
  if (!out.value) return out;
  const SentMessage& m = *out.value;
  invalidate("msg:" + m.message_group_uuid);
  if (m.new_conversation)
    for (auto& u : m.members) invalidate("grp:" + u);  // the transaction wrote their conversation rows
  std::string json = row_json(m.message_group_uuid, m);
  for (auto& u : m.members) events_.publish(u, "message", json);
  return out;
}

Outcome<UnreadCounts> CachedMessaging::counter(const User& me) {
  auto c = unread_.counts(me.uuid);
  if (!c.ok()) return Outcome<UnreadCounts>::fail(service_failure(c.error()));
  return Outcome<UnreadCounts>::ok(std::move(*c));
}

Outcome<UnreadCounts> CachedMessaging::mark_read(const User& me, const std::string& group) {
  auto page = list_messages(me, group, 1, "");  // the newest message; marks the conversation read
  if (page.failure) return Outcome<UnreadCounts>::fail(*page.failure);
  return counter(me);
}

Result<std::string> CachedMessaging::events_token(const User& me) {
  if (!cache_) return Error{"NoCache", "live events need a cache (--cache-url)", 503, {}};
  std::string token = ddb::random_hex(24);
  long long expires = static_cast<long long>(std::time(nullptr)) + kEventsTokenSeconds;
  DDB_TRY(cache_->set("evt:" + token, me.uuid + " " + std::to_string(expires)));
  return token;
}

Result<std::string> CachedMessaging::events_user(const std::string& token) {
  Error refused{"Unauthorized", "unknown or expired events token", 401, {}};
  if (!cache_ || token.size() != 48 || token.find_first_not_of("0123456789abcdef") != std::string::npos)
    return refused;
  auto got = cache_->mget({"evt:" + token});
  if (!got.ok()) return got.take_error();
  if (!(*got)[0]) return refused;
  auto space = (*got)[0]->find(' ');
  if (space == std::string::npos ||
      std::atoll((*got)[0]->c_str() + space + 1) < static_cast<long long>(std::time(nullptr)))
    return refused;
  return (*got)[0]->substr(0, space);
}

void CachedMessaging::publish_counts(const std::string& user) {
  if (!cache_) return;  // no cache, no event streams (their tokens live in the cache)
  auto c = unread_.counts(user);
  if (c.ok()) events_.publish(user, "counter", counts_json(*c));
}

void CachedMessaging::on_stream_messages(const std::string& group, const std::string& sk,
                                         const std::vector<std::string>& senders) {
  auto m = members(group);
  if (!m.ok()) return;
  for (auto& u : *m) invalidate("grp:" + u);
  invalidate("msg:" + group);  // also for messages written by other means than this API
  auto changed = unread_.on_messages(group, sk, senders, *m);
  if (changed.ok())
    for (auto& u : *changed) publish_counts(u);
  std::string json = Json().obj().kv("group", group).kv("created_at", sk).end_obj().take();
  for (auto& u : *m) events_.publish(u, "groups", json);
}

}  // namespace cruddur
