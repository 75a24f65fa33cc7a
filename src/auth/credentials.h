// The AWS shared-credentials file format (~/.aws/credentials): [profile] sections with
// aws_access_key_id and aws_secret_access_key; '#' and ';' start comments.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ddb::auth {

// Access key id -> secret access key, from the file's text. On error returns nullopt and sets
// `error` (with the line number).
std::optional<std::map<std::string, std::string>> parse_credentials(std::string_view text,
                                                                    std::string* error);
std::optional<std::map<std::string, std::string>> load_credentials(const std::string& path,
                                                                   std::string* error);

}  // namespace ddb::auth
