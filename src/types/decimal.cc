#include "types/decimal.h"

#include <cctype>

#include "util/errors.h"
#include "util/messages.h"

namespace ddb {

using boost::multiprecision::cpp_int;

namespace {
cpp_int pow10(int n) {
  cpp_int r = 1;
  static const cpp_int ten18 = cpp_int(1000000000000000000ULL);
  while (n >= 18) {
    r *= ten18;
    n -= 18;
  }
  while (n-- > 0) r *= 10;
  return r;
}
}  // namespace

Decimal Decimal::from_int(long long v) {
  return from_cpp_int(v < 0 ? -(cpp_int(-(v + 1)) + 1) : cpp_int(v), 0);
}

Decimal Decimal::from_cpp_int(const cpp_int& v, int exp) {
  Decimal d;
  if (v == 0) return d;
  d.neg_ = v < 0;
  d.digits_ = (d.neg_ ? cpp_int(-v) : v).str();
  d.exp_ = exp;
  while (!d.digits_.empty() && d.digits_.back() == '0') {
    d.digits_.pop_back();
    ++d.exp_;
  }
  return d;
}

cpp_int Decimal::coef_int() const {
  return digits_.empty() ? cpp_int(0) : cpp_int(digits_);
}

int Decimal::significant_digits() const {
  return static_cast<int>(digits_.size());
}
int Decimal::magnitude() const {
  return exp_ + static_cast<int>(digits_.size()) - 1;
}

Status Decimal::check_limits() const {
  if (is_zero()) return Status::OK();
  if (significant_digits() > 38) return err::validation(msg::kNumberDigits);
  if (magnitude() > 125) return err::validation(msg::kNumberOverflow);
  if (magnitude() < -130) return err::validation(msg::kNumberUnderflow);
  return Status::OK();
}

Result<Decimal> Decimal::parse(std::string_view s) {
  auto bad = [&]() {
    if (s.empty()) return err::validation(msg::kEmptyCannotConvertedNumericValue);
    return err::validation(msg::text(msg::kParameterCannotConvertedNumericValue, std::string(s)));
  };
  size_t i = 0;
  Decimal d;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    d.neg_ = s[i] == '-';
    ++i;
  }
  std::string digits;
  int frac = 0;
  bool any = false, dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (!(digits.empty() && c == '0')) digits.push_back(c);
      if (dot) ++frac;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return bad();
  long long e = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return bad();
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      eneg = s[i] == '-';
      ++i;
    }
    if (i >= s.size()) return bad();
    for (; i < s.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return bad();
      if (e < 100000000) e = e * 10 + (s[i] - '0');
    }
    if (eneg) e = -e;
  }
  // Strip trailing zeros from the digit string before building the integer.
  size_t nz = digits.size();
  while (nz > 0 && digits[nz - 1] == '0') --nz;
  long long exp = e - frac + static_cast<long long>(digits.size() - nz);
  digits.resize(nz);
  if (digits.empty()) return Decimal();  // zero, any sign or exponent
  if (digits.size() > 38) return err::validation(msg::kNumberDigits);
  long long mag = exp + static_cast<long long>(digits.size()) - 1;
  if (mag > 125) return err::validation(msg::kNumberOverflow);
  if (mag < -130) return err::validation(msg::kNumberUnderflow);
  d.digits_ = std::move(digits);
  d.exp_ = static_cast<int>(exp);
  return d;
}

std::string Decimal::to_string() const {
  if (is_zero()) return "0";
  const std::string& digits = digits_;
  std::string out = neg_ ? "-" : "";
  if (exp_ >= 0) {
    out += digits;
    out.append(static_cast<size_t>(exp_), '0');
  } else {
    int point = static_cast<int>(digits.size()) + exp_;  // digits before the point
    if (point > 0) {
      out += digits.substr(0, point);
      out += '.';
      out += digits.substr(point);
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-point), '0');
      out += digits;
    }
  }
  return out;
}

int Decimal::compare(const Decimal& a, const Decimal& b) {
  if (a.is_zero() || b.is_zero()) {
    if (a.is_zero() && b.is_zero()) return 0;
    if (a.is_zero()) return b.neg_ ? 1 : -1;
    return a.neg_ ? -1 : 1;
  }
  if (a.neg_ != b.neg_) return a.neg_ ? -1 : 1;
  int sign = a.neg_ ? -1 : 1;
  int ma = a.magnitude(), mb = b.magnitude();
  if (ma != mb) return ma < mb ? -sign : sign;
  // Same magnitude: digit strings compare like the numbers (a shorter prefix is smaller).
  int c = a.digits_.compare(b.digits_);
  return c == 0 ? 0 : (c < 0 ? -sign : sign);
}

Result<Decimal> Decimal::add(const Decimal& a, const Decimal& b) {
  if (a.is_zero()) return b;
  if (b.is_zero()) return a;
  int e = std::min(a.exp_, b.exp_);
  cpp_int x = a.coef_int() * pow10(a.exp_ - e);
  cpp_int y = b.coef_int() * pow10(b.exp_ - e);
  if (a.neg_) x = -x;
  if (b.neg_) y = -y;
  Decimal d = from_cpp_int(x + y, e);
  DDB_TRY(d.check_limits());
  return d;
}

Result<Decimal> Decimal::sub(const Decimal& a, const Decimal& b) {
  Decimal nb = b;
  if (!nb.is_zero()) nb.neg_ = !nb.neg_;
  return add(a, nb);
}

}  // namespace ddb
