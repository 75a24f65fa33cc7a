#include "cruddur/directory.h"

#include <mutex>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "cruddur/timefmt.h"
#include "util/errors.h"
#include "util/mutex.h"

namespace cruddur {

namespace {

using ddb::Error;
using ddb::Result;
using ddb::Status;

Error db_error(const std::string& what) {
  return Error{"DirectoryError", what, 500, {}};
}

// The same SQL for both engines; parameters are $1.. (SQLite accepts $N too).
const char* kDrop = "DROP TABLE IF EXISTS users";
const char* kCreate =
    "CREATE TABLE IF NOT EXISTS users ("
    " uuid TEXT PRIMARY KEY,"
    " display_name TEXT NOT NULL,"
    " handle TEXT NOT NULL UNIQUE,"
    " email TEXT NOT NULL,"
    " cognito_user_id TEXT UNIQUE,"
    " created_at TEXT NOT NULL)";
const char* kInsert =
    "INSERT INTO users (uuid, display_name, handle, email, cognito_user_id, created_at) VALUES ($1, $2, $3, "
    "$4, $5, $6)";
const char* kCols =
    "SELECT uuid, display_name, handle, email, COALESCE(cognito_user_id, ''), created_at FROM users";

class SqliteDirectory final : public UserDirectory {
 public:
  explicit SqliteDirectory(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDirectory() override { sqlite3_close(db_); }

  Status exec(const char* sql) REQUIRES(mu_) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : "sqlite error";
      sqlite3_free(msg);
      return db_error(m);
    }
    return Status::OK();
  }
  Status schema_load() override {
    ddb::MutexLock lk(mu_);
    DDB_TRY(exec(kDrop));
    return exec(kCreate);
  }
  Status ensure_schema() override {
    ddb::MutexLock lk(mu_);
    return exec(kCreate);
  }
  Status insert(const User& u) override {
    ddb::MutexLock lk(mu_);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, kInsert, -1, &st, nullptr) != SQLITE_OK) return db_error(sqlite3_errmsg(db_));
    const std::string* vals[] = {&u.uuid,  &u.display_name,    &u.handle,
                                 &u.email, &u.cognito_user_id, &u.created_at};
    for (int i = 0; i < 6; ++i) {
      if (i == 4 && u.cognito_user_id.empty())
        sqlite3_bind_null(st, 5);
      else
        sqlite3_bind_text(st, i + 1, vals[i]->c_str(), static_cast<int>(vals[i]->size()), SQLITE_TRANSIENT);
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return db_error(sqlite3_errmsg(db_));
    return Status::OK();
  }
  Result<std::vector<User>> query(const std::string& where, const std::string& arg) override {
    ddb::MutexLock lk(mu_);
    std::string sql = std::string(kCols) + where;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      return db_error(sqlite3_errmsg(db_));
    if (!where.empty() && where.find("$1") != std::string::npos)
      sqlite3_bind_text(st, 1, arg.c_str(), static_cast<int>(arg.size()), SQLITE_TRANSIENT);
    std::vector<User> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      auto col = [&](int i) {
        auto* t = sqlite3_column_text(st, i);
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
      };
      out.push_back({col(0), col(1), col(2), col(3), col(4), col(5)});
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return db_error(sqlite3_errmsg(db_));
    return out;
  }
  Result<bool> set_cognito_id(const std::string& handle, const std::string& sub) override {
    ddb::MutexLock lk(mu_);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "UPDATE users SET cognito_user_id = $1 WHERE handle = $2", -1, &st,
                           nullptr) != SQLITE_OK)
      return db_error(sqlite3_errmsg(db_));
    sqlite3_bind_text(st, 1, sub.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, handle.c_str(), -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return db_error(sqlite3_errmsg(db_));
    return sqlite3_changes(db_) > 0;
  }
  Status ping() override {
    ddb::MutexLock lk(mu_);
    return exec("SELECT 1");
  }
  std::string describe() const override { return "SQLite " + path_; }

 private:
  ddb::Mutex mu_;
  sqlite3* db_ PT_GUARDED_BY(mu_);
  std::string path_;
};

class PostgresDirectory final : public UserDirectory {
 public:
  explicit PostgresDirectory(std::string url) : url_(std::move(url)) {}
  ~PostgresDirectory() override {
    if (conn_) PQfinish(conn_);
  }
  Status first_connect() {
    ddb::MutexLock lk(mu_);
    return connect();
  }
  Status connect() REQUIRES(mu_) {
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) return Status::OK();
    if (conn_) PQfinish(conn_);
    conn_ = PQconnectdb(url_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK)
      return db_error(std::string("PostgreSQL: ") + PQerrorMessage(conn_));
    // NOTICEs ("table does not exist, skipping" from the schema's IF EXISTS) are not the user's concern.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    return Status::OK();
  }
  // Runs a statement; returns the result (caller clears) or an error.
  Result<PGresult*> run(const char* sql, const std::vector<const char*>& params) REQUIRES(mu_) {
    DDB_TRY(connect());
    PGresult* r = PQexecParams(conn_, sql, static_cast<int>(params.size()), nullptr, params.data(), nullptr,
                               nullptr, 0);
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      std::string m = PQresultErrorMessage(r);
      PQclear(r);
      return db_error("PostgreSQL: " + m);
    }
    return r;
  }
  Status simple(const char* sql) REQUIRES(mu_) {
    auto r = run(sql, {});
    if (!r.ok()) return r.take_error();
    PQclear(*r);
    return Status::OK();
  }
  Status schema_load() override {
    ddb::MutexLock lk(mu_);
    DDB_TRY(simple(kDrop));
    return simple(kCreate);
  }
  Status ensure_schema() override {
    ddb::MutexLock lk(mu_);
    return simple(kCreate);
  }
  Status insert(const User& u) override {
    ddb::MutexLock lk(mu_);
    std::vector<const char*> p = {u.uuid.c_str(),
                                  u.display_name.c_str(),
                                  u.handle.c_str(),
                                  u.email.c_str(),
                                  u.cognito_user_id.empty() ? nullptr : u.cognito_user_id.c_str(),
                                  u.created_at.c_str()};
    auto r = run(kInsert, p);
    if (!r.ok()) return r.take_error();
    PQclear(*r);
    return Status::OK();
  }
  Result<std::vector<User>> query(const std::string& where, const std::string& arg) override {
    ddb::MutexLock lk(mu_);
    std::string sql = std::string(kCols) + where;
    std::vector<const char*> p;
    if (where.find("$1") != std::string::npos) p.push_back(arg.c_str());
    auto r = run(sql.c_str(), p);
    if (!r.ok()) return r.take_error();
    std::vector<User> out;
    for (int i = 0; i < PQntuples(*r); ++i) {
      auto col = [&](int c) { return std::string(PQgetvalue(*r, i, c)); };
      out.push_back({col(0), col(1), col(2), col(3), col(4), col(5)});
    }
    PQclear(*r);
    return out;
  }
  Result<bool> set_cognito_id(const std::string& handle, const std::string& sub) override {
    ddb::MutexLock lk(mu_);
    auto r = run("UPDATE users SET cognito_user_id = $1 WHERE handle = $2", {sub.c_str(), handle.c_str()});
    if (!r.ok()) return r.take_error();
    bool changed = std::string(PQcmdTuples(*r)) != "0";
    PQclear(*r);
    return changed;
  }
  Status ping() override {
    ddb::MutexLock lk(mu_);
    return simple("SELECT 1");
  }
  std::string describe() const override {
    auto at = url_.find('@');
    return "PostgreSQL " + (at == std::string::npos ? url_ : "postgresql://..." + url_.substr(at));
  }

 private:
  ddb::Mutex mu_;
  std::string url_;
  PGconn* conn_ GUARDED_BY(mu_) = nullptr;
};

}  // namespace

ddb::Result<std::unique_ptr<UserDirectory>> open_directory(const std::string& url,
                                                           const std::string& sqlite_path) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    auto d = std::make_unique<PostgresDirectory>(url);
    DDB_TRY(d->first_connect());
    return std::unique_ptr<UserDirectory>(std::move(d));
  }
  if (!url.empty()) return db_error("unsupported CONNECTION_URL (expected postgresql://...): " + url);
  sqlite3* db = nullptr;
  if (sqlite3_open(sqlite_path.c_str(), &db) != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return db_error("SQLite " + sqlite_path + ": " + m);
  }
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<UserDirectory>(new SqliteDirectory(db, sqlite_path));
}

std::vector<User> seed_users() {
  std::string now = format_time(now_micros());
  return {
      {"9d4f7f3e-5b0b-4a8e-9d1a-0a1b2c3d4e01", "Andrew Brown", "andrewbrown", "andrew@cruddur.example", "",
       now},
      {"9d4f7f3e-5b0b-4a8e-9d1a-0a1b2c3d4e02", "Alt Brown", "altbrown", "alt@cruddur.example", "", now},
      {"9d4f7f3e-5b0b-4a8e-9d1a-0a1b2c3d4e03", "Andrew Bayko", "bayko", "bayko@cruddur.example", "", now},
      {"9d4f7f3e-5b0b-4a8e-9d1a-0a1b2c3d4e04", "Londo Mollari", "londo", "londo@cruddur.example", "", now},
  };
}

}  // namespace cruddur
