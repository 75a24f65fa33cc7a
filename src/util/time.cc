#include "util/time.h"

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

namespace ddb {

namespace {
enum class Form { kIsoMicrosZ, kIsoMillis, kAmzDate, kHttp };

std::string format_utc(int64_t us, Form form) {
  int64_t secs64 = us / 1000000, frac = us % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs64;
  }
  time_t secs = static_cast<time_t>(secs64);
  struct tm tm;
  gmtime_r(&secs, &tm);
  int y = tm.tm_year + 1900, mo = tm.tm_mon + 1;
  switch (form) {
    case Form::kIsoMicrosZ:
      return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:06d}Z", y, mo, tm.tm_mday, tm.tm_hour,
                         tm.tm_min, tm.tm_sec, frac);
    case Form::kIsoMillis:
      return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}", y, mo, tm.tm_mday, tm.tm_hour,
                         tm.tm_min, tm.tm_sec, frac / 1000);
    case Form::kAmzDate:
      return fmt::format("{:04d}{:02d}{:02d}T{:02d}{:02d}{:02d}Z", y, mo, tm.tm_mday, tm.tm_hour, tm.tm_min,
                         tm.tm_sec);
    case Form::kHttp: {
      static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
      static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
      return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} GMT", days[tm.tm_wday], tm.tm_mday,
                         months[tm.tm_mon], y, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
  }
  return "";
}
}  // namespace

int64_t now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_time(int64_t us) {
  return format_utc(us, Form::kIsoMicrosZ);
}
std::string format_stream_label(int64_t us) {
  return format_utc(us, Form::kIsoMillis);
}
std::string format_amz_date(time_t secs) {
  return format_utc(static_cast<int64_t>(secs) * 1000000, Form::kAmzDate);
}

std::string format_http_date(time_t secs) {
  return format_utc(static_cast<int64_t>(secs) * 1000000, Form::kHttp);
}

const std::string& http_date_now() {
  thread_local time_t at = -1;
  thread_local std::string text;
  time_t now = time(nullptr);
  if (now != at) {
    at = now;
    text = format_http_date(now);
  }
  return text;
}

std::optional<int64_t> parse_time(const std::string& s) {
  if (s.size() != 27 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s[19] != '.' || s[26] != 'Z')
    return std::nullopt;
  struct tm tm = {};
  int frac = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%6dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &frac) != 7)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000000 + frac;
}

}  // namespace ddb
