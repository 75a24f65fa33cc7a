#include "cruddur/messaging.h"

#include <gtest/gtest.h>

#include "cruddur/api.h"
#include "cruddur/commands.h"
#include "cruddur/timefmt.h"

using namespace cruddur;

namespace {
User me() {
  return {"u1", "Londo Mollari", "londo", "l@x", "sub", "t"};
}
SendRequest req(std::optional<std::string> m, std::optional<std::string> g, std::optional<std::string> h) {
  return SendRequest{std::move(m), std::move(g), std::move(h)};
}
}  // namespace

TEST(Messaging, ValidationReportsEveryFailingCode) {
  EXPECT_EQ(validate_send(req("hi", "g", std::nullopt), me()), std::vector<std::string>{});
  EXPECT_EQ(validate_send(req("hi", std::nullopt, "bayko"), me()), std::vector<std::string>{});
  EXPECT_EQ(validate_send(req(std::nullopt, std::nullopt, std::nullopt), me()),
            (std::vector<std::string>{"message_blank", "message_group_uuid_blank"}));
  EXPECT_EQ(validate_send(req("  \n", std::nullopt, ""), me()),
            (std::vector<std::string>{"message_blank", "user_receiver_handle_blank"}));
  EXPECT_EQ(validate_send(req(std::string(1025, 'x'), std::nullopt, "londo"), me()),
            (std::vector<std::string>{"message_exceed_max_chars_1024", "cannot_message_self"}));
}

TEST(Messaging, LengthCountsCharactersNotBytes) {
  std::string e_acute = "\xc3\xa9";
  std::string s;
  for (int i = 0; i < 1024; ++i) s += e_acute;
  EXPECT_EQ(utf8_length(s), 1024u);
  EXPECT_TRUE(validate_send(req(s, "g", std::nullopt), me()).empty());
  EXPECT_EQ(utf8_length("\xf0\x9f\x98\x80"), 1u);  // one emoji
}

TEST(Messaging, PairKeyIsOrderIndependent) {
  EXPECT_EQ(pair_key("b", "a"), pair_key("a", "b"));
  EXPECT_EQ(pair_key("a", "b"), "PAIR#a#b");
}

TEST(Time, FixedWidthAndOrdered) {
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_time(1795000000123456), "2026-11-18T11:06:40.123456Z");
  EXPECT_EQ(parse_time("2026-11-18T11:06:40.123456Z"), 1795000000123456);
  EXPECT_FALSE(parse_time("2026-11-18T07:06:40Z"));
  EXPECT_LT(format_time(1795000000000009), format_time(1795000000000010));
}

TEST(Api, QueryParameters) {
  EXPECT_EQ(query_param("limit=5&cursor=a%2Bb", "cursor"), "a+b");
  EXPECT_EQ(query_param("limit=5&cursor=x", "limit"), "5");
  EXPECT_EQ(query_param("limit=5", "cursor"), "");
  EXPECT_EQ(url_decode("%40bayko"), "@bayko");
}

TEST(Commands, TextTableAlignsUnicode) {
  EXPECT_EQ(text_table({"a", "b"}, {{"é", "x"}, {"long", "y"}}),
            "a     b\n----  -\né     x\nlong  y\n(2 rows)\n");
}
