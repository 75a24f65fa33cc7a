// The helper commands of the original bin/ scripts (ddb ..., db ..., cognito ..., auth token,
// stream-worker) and the first-start setup shared with `cruddur serve`.
#pragma once
#include "cruddur/config.h"
#include "cruddur/directory.h"
#include "cruddur/messaging.h"

namespace cruddur {

// Runs a command other than `serve`; returns the process exit code.
int run_command(const Config& cfg);
// Creates the users schema, seed users, the messages table and the demo conversation when missing.
ddb::Status first_start_setup(const Config& cfg, UserDirectory& users, MessagingService& service,
                              bool local_identity);
std::string cognito_issuer(const Config& cfg);
// A table cell: at most `max_chars` characters (code points), the last an ellipsis when cut, never
// splitting a character; control characters become spaces.
std::string table_cell(const std::string& s, size_t max_chars);
// Formats rows as an aligned text table; cells longer than 60 characters are cut with an ellipsis.
std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows);

}  // namespace cruddur
