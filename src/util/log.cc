#include "util/log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace ddb {

bool valid_log_level(const std::string& level) {
  for (const char* l : {"trace", "debug", "info", "warn", "error", "off"})
    if (level == l) return true;
  return false;
}

bool init_logging(const std::string& program, const std::string& level) {
  if (!valid_log_level(level)) return false;
  auto logger = std::make_shared<spdlog::logger>(program, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %n %l: %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);  // stderr lines as they happen (tests wait for them)
  spdlog::set_default_logger(logger);
  return true;
}

}  // namespace ddb
