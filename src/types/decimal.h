// Exact decimal numbers with DynamoDB's rules: up to 38 significant digits, magnitude in
// [1E-130, 1E+126). Value = (neg ? -1 : 1) * digits * 10^exp, where `digits` is the coefficient as
// decimal text with no leading or trailing zeros (empty for zero). Parsing, printing, comparing and
// key encoding work on the text; add/sub use boost::multiprecision::cpp_int.
// Thread-safety: a value type; distinct objects may be used concurrently.
#pragma once
#include <string>
#include <string_view>

#include <boost/multiprecision/cpp_int.hpp>

#include "util/status.h"

namespace ddb {

class Decimal {
 public:
  Decimal() = default;
  static Decimal from_int(long long v);

  // Parses a DynamoDB number string ("-1.5e3", ".5", "+7"). Fails with DynamoDB's
  // ValidationException messages for malformed text, more than 38 significant digits,
  // overflow and underflow.
  static Result<Decimal> parse(std::string_view s);

  // Canonical text: plain notation, no exponent, no trailing fractional zeros, "-" for negatives.
  std::string to_string() const;

  bool is_zero() const { return digits_.empty(); }
  bool negative() const { return neg_; }
  int significant_digits() const;
  // Exponent of the most significant digit (value in [10^e, 10^(e+1))). Undefined for zero.
  int magnitude() const;
  // The coefficient's digits, no leading or trailing zeros; empty for zero.
  const std::string& digits() const { return digits_; }
  int exp() const { return exp_; }

  // Arithmetic checked against DynamoDB's limits (same messages as parse).
  static Result<Decimal> add(const Decimal& a, const Decimal& b);
  static Result<Decimal> sub(const Decimal& a, const Decimal& b);

  static int compare(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) { return compare(a, b) == 0; }
  friend bool operator<(const Decimal& a, const Decimal& b) { return compare(a, b) < 0; }

  // Validates range and precision of a computed value.
  Status check_limits() const;

 private:
  static Decimal from_cpp_int(const boost::multiprecision::cpp_int& v, int exp);
  boost::multiprecision::cpp_int coef_int() const;
  bool neg_ = false;
  std::string digits_;
  int exp_ = 0;
};

}  // namespace ddb
