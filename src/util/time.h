// The one place that turns instants into text (UTC) and back, for every form the programs write:
//   ISO with microseconds  2026-11-24T08:15:30.123456Z  (cruddur's sort keys: string order = time order)
//   ISO with milliseconds  2026-11-24T08:15:30.123      (DynamoDB's stream labels)
//   SigV4 date             20261124T081530Z             (X-Amz-Date)
//   HTTP date              Tue, 24 Nov 2026 08:15:30 GMT (the Date header, RFC 9110 IMF-fixdate)
#pragma once
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace ddb {

int64_t now_micros();
std::string format_time(int64_t micros_since_epoch);          // ISO, microseconds, Z
std::string format_stream_label(int64_t micros_since_epoch);  // ISO, milliseconds, no zone
std::string format_amz_date(time_t seconds_since_epoch);      // SigV4
std::string format_http_date(time_t seconds_since_epoch);     // HTTP Date
// The current second's HTTP date, formatted once per second per thread.
const std::string& http_date_now();
std::optional<int64_t> parse_time(const std::string& s);  // exactly format_time's form

}  // namespace ddb
