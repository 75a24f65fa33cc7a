#include "types/decimal.h"

#include <gtest/gtest.h>

using ddb::Decimal;

static std::string canon(const char* s) {
  auto d = Decimal::parse(s);
  return d.ok() ? d->to_string() : "ERR: " + d.error().message;
}

TEST(Decimal, CanonicalForm) {
  EXPECT_EQ(canon("1.50"), "1.5");
  EXPECT_EQ(canon("-0"), "0");
  EXPECT_EQ(canon("0.000"), "0");
  EXPECT_EQ(canon("1e2"), "100");
  EXPECT_EQ(canon("1E-3"), "0.001");
  EXPECT_EQ(canon("+7"), "7");
  EXPECT_EQ(canon(".5"), "0.5");
  EXPECT_EQ(canon("5."), "5");
  EXPECT_EQ(canon("-123.4500e1"), "-1234.5");
  EXPECT_EQ(canon("00012"), "12");
}

TEST(Decimal, ThirtyEightDigitsExact) {
  EXPECT_EQ(canon("12345678901234567890123456789012345678"), "12345678901234567890123456789012345678");
  EXPECT_EQ(canon("0.12345678901234567890123456789012345678"), "0.12345678901234567890123456789012345678");
  EXPECT_EQ(canon("123456789012345678901234567890123456789"),
            "ERR: Attempting to store more than 38 significant digits in a Number");
  // Trailing zeros are not significant.
  EXPECT_EQ(canon("1000000000000000000000000000000000000000000"),
            "1000000000000000000000000000000000000000000");
}

TEST(Decimal, Range) {
  EXPECT_EQ(canon("9.9999999999999999999999999999999999999E+125").substr(0, 5), "99999");
  EXPECT_EQ(canon("1E+126"),
            "ERR: Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(canon("1E-130"), "0." + std::string(129, '0') + "1");
  EXPECT_EQ(
      canon("1E-131"),
      "ERR: Number underflow. Attempting to store a number with magnitude smaller than supported range");
}

TEST(Decimal, Malformed) {
  for (const char* s : {"abc", "1..2", "1e", "--1", "1e+", "0x10", " 1", "1 "})
    EXPECT_EQ(canon(s), "ERR: The parameter cannot be converted to a numeric value: " + std::string(s)) << s;
  EXPECT_EQ(canon(""), "ERR: The parameter cannot be converted to a numeric value");  // no value to show
}

TEST(Decimal, CompareAndArithmetic) {
  auto d = [](const char* s) { return *Decimal::parse(s); };
  EXPECT_LT(Decimal::compare(d("-10"), d("-9.5")), 0);
  EXPECT_EQ(Decimal::compare(d("1.0"), d("1")), 0);
  EXPECT_GT(Decimal::compare(d("0.1"), d("0.09999")), 0);
  EXPECT_EQ(Decimal::add(d("0.1"), d("0.2"))->to_string(), "0.3");
  EXPECT_EQ(Decimal::sub(d("1"), d("1.000000000000000000000000000000000001"))->to_string(),
            "-0.000000000000000000000000000000000001");
  auto big = Decimal::add(d("99999999999999999999999999999999999999"), d("1"));
  EXPECT_EQ(big->to_string(), "100000000000000000000000000000000000000");
  auto precise = Decimal::add(d("99999999999999999999999999999999999999"), d("0.1"));
  EXPECT_FALSE(precise.ok());
}
