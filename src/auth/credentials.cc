#include "auth/credentials.h"

#include <fstream>
#include <sstream>

#include "util/text.h"

namespace ddb::auth {

namespace {
constexpr std::string_view kLineBlanks = " \t\r";  // a line of the file may end in CRLF
}  // namespace

std::optional<std::map<std::string, std::string>> parse_credentials(std::string_view text,
                                                                    std::string* error) {
  std::map<std::string, std::string> out;
  std::string section, key_id, secret;
  int line_no = 0, section_line = 0;
  auto finish = [&]() -> bool {
    if (section.empty() && key_id.empty() && secret.empty()) return true;
    if (key_id.empty() != secret.empty()) {
      *error = "profile [" + section + "] (line " + std::to_string(section_line) +
               ") needs both aws_access_key_id and aws_secret_access_key";
      return false;
    }
    if (!key_id.empty()) out[key_id] = secret;
    key_id.clear();
    secret.clear();
    return true;
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line =
        trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos), kLineBlanks);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        *error = "line " + std::to_string(line_no) + ": unterminated [profile]";
        return std::nullopt;
      }
      if (!finish()) return std::nullopt;
      section = std::string(trim(line.substr(1, line.size() - 2), kLineBlanks));
      section_line = line_no;
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      *error = "line " + std::to_string(line_no) + ": expected key = value";
      return std::nullopt;
    }
    std::string_view k = trim(line.substr(0, eq), kLineBlanks), v = trim(line.substr(eq + 1), kLineBlanks);
    if (k == "aws_access_key_id")
      key_id = std::string(v);
    else if (k == "aws_secret_access_key")
      secret = std::string(v);
  }
  if (!finish()) return std::nullopt;
  if (out.empty()) {
    *error = "no aws_access_key_id / aws_secret_access_key pair found";
    return std::nullopt;
  }
  return out;
}

std::optional<std::map<std::string, std::string>> load_credentials(const std::string& path,
                                                                   std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parse_credentials(ss.str(), error);
  if (!r) *error = path + ": " + *error;
  return r;
}

}  // namespace ddb::auth
