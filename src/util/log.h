// Logging for both programs, on spdlog: one line per event on stderr, UTC timestamp, program, level.
// Levels: trace, debug, info (default), warn, error, off. Program output meant for people (banners,
// command results, usage errors) is not logging and stays on stdout/stderr as it is.
#pragma once
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

namespace ddb {

// Sets the default logger; false if `level` is not one of the names above.
bool init_logging(const std::string& program, const std::string& level = "info");
bool valid_log_level(const std::string& level);

}  // namespace ddb
