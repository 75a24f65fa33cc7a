// cruddur's timestamps: one fixed-width UTC form everywhere, so that string order is time order
// (2026-11-24T08:15:30.123456Z). The formatting itself is util/time.h's.
#pragma once
#include "util/time.h"

namespace cruddur {
using ddb::format_time;
using ddb::now_micros;
using ddb::parse_time;
}  // namespace cruddur
