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
  virtual ddb::Status schema_load() = 0;  // creates the users table (drops an existing one)
  virtual ddb::Status ensure_schema() = 0;  // creates it only if missing
  virtual ddb::Status insert(const User& u) = 0;
  virtual ddb::Result<std::optional<User>> by_handle(const std::string& handle) = 0;
  virtual ddb::Result<std::optional<User>> by_uuid(const std::string& uuid) = 0;
  virtual ddb::Result<std::optional<User>> by_cognito_id(const std::string& sub) = 0;
  virtual ddb::Result<std::vector<User>> all() = 0;
  // Sets cognito_user_id for the user with this handle; returns false if no such user.
  virtual ddb::Result<bool> set_cognito_id(const std::string& handle, const std::string& sub) = 0;
  virtual ddb::Status ping() = 0;
  virtual std::string describe() const = 0;
};

// `url`: empty -> SQLite at `sqlite_path`; "postgresql://..." or "postgres://..." -> PostgreSQL.
ddb::Result<std::unique_ptr<UserDirectory>> open_directory(const std::string& url, const std::string& sqlite_path);

// The four seed users of the original (handles andrewbrown, altbrown, bayko, londo).
std::vector<User> seed_users();

}  // namespace cruddur
