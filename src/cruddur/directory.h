// The user directory: table `users` (uuid, display_name, handle, email, cognito_user_id, created_at).
// One interface, two implementations with the same schema and queries: SQLite (default, a file in the
// data directory) and PostgreSQL (CONNECTION_URL=postgresql://...).
// Thread-safety: implementations serialize access internally.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace cruddur {

struct User {
  std::string uuid, display_name, handle, email, cognito_user_id, created_at;
};

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  virtual ddb::Status schema_load() = 0;    // creates the users table (drops an existing one)
  virtual ddb::Status ensure_schema() = 0;  // creates it only if missing
  virtual ddb::Status insert(const User& u) = 0;
  ddb::Result<std::optional<User>> by_handle(const std::string& handle) {
    return one(" WHERE handle = $1", handle);
  }
  ddb::Result<std::optional<User>> by_uuid(const std::string& uuid) { return one(" WHERE uuid = $1", uuid); }
  ddb::Result<std::optional<User>> by_cognito_id(const std::string& sub) {
    return one(" WHERE cognito_user_id = $1", sub);
  }
  ddb::Result<std::vector<User>> all() { return query(" ORDER BY handle", ""); }
  // Sets cognito_user_id for the user with this handle; returns false if no such user.
  virtual ddb::Result<bool> set_cognito_id(const std::string& handle, const std::string& sub) = 0;
  virtual ddb::Status ping() = 0;
  virtual std::string describe() const = 0;

 protected:
  // Runs "SELECT <user columns> FROM users" + `where`, binding `arg` to $1 when `where` uses it.
  virtual ddb::Result<std::vector<User>> query(const std::string& where, const std::string& arg) = 0;

 private:
  ddb::Result<std::optional<User>> one(const std::string& where, const std::string& arg) {
    auto r = query(where, arg);
    if (!r.ok()) return r.take_error();
    if (r->empty()) return std::optional<User>();
    return std::optional<User>(r->front());
  }
};

// `url`: empty -> SQLite at `sqlite_path`; "postgresql://..." or "postgres://..." -> PostgreSQL.
ddb::Result<std::unique_ptr<UserDirectory>> open_directory(const std::string& url,
                                                           const std::string& sqlite_path);

// The four seed users of the original (handles andrewbrown, altbrown, bayko, londo).
std::vector<User> seed_users();

}  // namespace cruddur
