// One fixed-width UTC timestamp form everywhere, so that string order is time order:
// 2026-11-24T08:15:30.123456Z (microseconds).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace cruddur {
int64_t now_micros();
std::string format_time(int64_t micros_since_epoch);
std::optional<int64_t> parse_time(const std::string& s);  // exactly the form above
}  // namespace cruddur
