#include "types/value.h"

#include <gtest/gtest.h>

#include "types/keycodec.h"

using namespace ddb;

static Result<Value> parse(const char* json) {
  rapidjson::Document d;
  d.Parse(json);
  return value_from_json(d);
}

TEST(Value, RoundTripAllTypes) {
  const char* json =
      R"({"M":{"s":{"S":"x"},"n":{"N":"1.5"},"b":{"B":"AAEC"},"ss":{"SS":["a","b"]},"ns":{"NS":["1","2"]},)"
      R"("bs":{"BS":["AA=="]},"l":{"L":[{"BOOL":true},{"NULL":true}]}}})";
  auto v = parse(json);
  ASSERT_TRUE(v.ok()) << v.error().message;
  // Map members come back in name order.
  EXPECT_EQ(
      value_to_json(*v),
      R"({"M":{"b":{"B":"AAEC"},"bs":{"BS":["AA=="]},"l":{"L":[{"BOOL":true},{"NULL":true}]},"n":{"N":"1.5"},)"
      R"("ns":{"NS":["1","2"]},"s":{"S":"x"},"ss":{"SS":["a","b"]}}})");
  std::string enc;
  encode_value(enc, *v);
  std::string_view in(enc);
  Value back;
  ASSERT_TRUE(decode_value(in, back));
  EXPECT_TRUE(values_equal(*v, back));
}

TEST(Value, ValidationMessages) {
  EXPECT_EQ(parse("{}").error().message,
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(parse(R"({"S":"a","N":"1"})").error().message,
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
            "supported datatypes");
  EXPECT_EQ(parse(R"({"SS":[]})").error().message,
            "One or more parameter values were invalid: An string set  may not be empty");
  EXPECT_EQ(parse(R"({"SS":["a","a"]})").error().message,
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
  EXPECT_EQ(
      parse(R"({"NULL":false})").error().message,
      "One or more parameter values were invalid: Null attribute value types must have the value of true");
  EXPECT_EQ(parse(R"({"S":5})").error().name(), "SerializationException");
  // Equal numbers written differently, and elements written twice, are worded differently.
  EXPECT_EQ(parse(R"({"NS":["1","1.0"]})").error().message, "Input collection contains duplicates");
  EXPECT_EQ(parse(R"({"NS":["2","2"]})").error().message.substr(0, 62),
            "One or more parameter values were invalid: Input collection [2");
}

TEST(Value, SetEqualityIgnoresOrder) {
  EXPECT_TRUE(values_equal(*parse(R"({"SS":["a","b"]})"), *parse(R"({"SS":["b","a"]})")));
  EXPECT_FALSE(values_equal(*parse(R"({"SS":["a"]})"), *parse(R"({"S":"a"})")));
  EXPECT_TRUE(values_equal(*parse(R"({"N":"1.0"})"), *parse(R"({"N":"1"})")));
}

TEST(Value, ItemSizeFollowsDynamoDB) {
  auto v = parse(R"({"M":{"ab":{"S":"xyz"},"n":{"N":"123"}}})");
  EXPECT_EQ(item_size(v->map), 2 + 3 + 1 + 3);  // names + "xyz" + (ceil(3/2)+1)
  auto l = parse(R"({"L":[{"S":"a"},{"BOOL":true}]})");
  EXPECT_EQ(value_size(*l), 3 + (1 + 1) + (1 + 1));
}

TEST(KeyCodec, NumbersSortNumerically) {
  std::vector<const char*> nums = {"-1E+100", "-12.5", "-12", "-1.05", "-1", "-0.5", "0",   "1E-130",   "0.5",
                                   "1",       "1.05",  "9",   "10",    "12", "12.5", "100", "9.99E+125"};
  std::string prev;
  for (size_t i = 0; i < nums.size(); ++i) {
    auto v = parse((std::string(R"({"N":")") + nums[i] + "\"}").c_str());
    std::string enc;
    encode_key_part(enc, *v);
    if (i) {
      EXPECT_LT(prev, enc) << nums[i - 1] << " < " << nums[i];
    }
    std::string_view in(enc);
    Value back;
    ASSERT_TRUE(decode_key_part(in, VType::N, back));
    EXPECT_EQ(back.s, v->s);
    prev = enc;
  }
}

TEST(KeyCodec, StringsSortByBytesAndAreSelfDelimiting) {
  std::vector<std::string> ss = {"", std::string("\0", 1), "a", std::string("a\0", 2), "ab", "b", "\xc3\xa9"};
  std::string prev;
  for (size_t i = 0; i < ss.size(); ++i) {
    std::string enc;
    encode_key_part(enc, Value::S(ss[i]));
    if (i) {
      EXPECT_LT(prev, enc);
    }
    prev = enc;
    std::string_view in(enc);
    Value back;
    ASSERT_TRUE(decode_key_part(in, VType::S, back));
    EXPECT_EQ(back.s, ss[i]);
    EXPECT_TRUE(in.empty());
  }
}

TEST(Value, SizeAndJsonFromStorageFormMatchTypedValues) {
  rapidjson::Document d;
  d.Parse(
      R"({"a":{"S":"xyz"},"n":{"N":"-123.45"},"b":{"B":"AAEC"},"ss":{"SS":["p","qq"]},"ns":{"NS":["1","22"]},
             "m":{"M":{"k":{"L":[{"BOOL":true},{"NULL":true},{"N":"7"}]}}},"l":{"L":[]}})");
  auto item = *item_from_json(d);
  std::string enc;
  encode_item(enc, item);
  EXPECT_EQ(encoded_item_size(enc), item_size(item));
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  ASSERT_TRUE(write_encoded_item(w, enc));
  EXPECT_EQ(std::string(sb.GetString()), item_to_json(item));
}

// Items written as text straight into the writer's buffer: the same JSON as the typed items' (escapes,
// every type, nesting, empty containers), commas between them inside an array, and the size counted on
// the way equal to item_size.
TEST(Value, ItemsWrittenFromStorageFormInAnArrayMatchTypedValues) {
  const char* items[] = {
      R"({"k\"ey":{"S":"a\"b\\c\n\u0001\t\u001f end"},"f":{"BOOL":false},"t":{"BOOL":true},"z":{"NULL":true}})",
      R"({"bs":{"BS":["AAEC","/w=="]},"ns":{"NS":["-1","0.5","1E+3"]},"m":{"M":{}},"l":{"L":[{"M":{"x":{"L":[]}}},{"SS":["é"]}]}})",
      R"({})",
  };
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.StartArray();
  std::string expected = "[";
  for (const char* text : items) {
    rapidjson::Document d;
    d.Parse(text);
    auto item = *item_from_json(d);
    std::string enc;
    encode_item(enc, item);
    size_t size = 0;
    ASSERT_TRUE(write_encoded_item(w, enc, &size));
    EXPECT_EQ(size, item_size(item)) << text;
    expected += (expected.size() > 1 ? "," : "") + item_to_json(item);
  }
  w.EndArray();
  EXPECT_EQ(std::string(sb.GetString()), expected + "]");
}

// A number's size: base-100 digits aligned on the decimal point, plus one byte, plus a terminator for a
// negative number of fewer than 20 pairs (measured against DynamoDB Local 3.3.1 at the 400 KB boundary).
TEST(Value, NumberSizeIsTheServicesRule) {
  const std::pair<const char*, size_t> cases[] = {{"0", 1},
                                                  {"1", 2},
                                                  {"-1", 3},
                                                  {"1.5", 3},
                                                  {"-42", 3},
                                                  {"3.14159", 5},
                                                  {"1000", 2},
                                                  {"12345", 4},
                                                  {"123456", 4},
                                                  {"0.001", 2},
                                                  {"-0.05", 3},
                                                  {"123.456", 5},
                                                  {"99", 2},
                                                  {"-99", 3},
                                                  {"12345678901234567890123456789012345678", 20},
                                                  {"-12345678901234567890123456789012345678", 21},
                                                  {"-1.2345678901234567890123456789012345678", 21}};
  for (const auto& [n, size] : cases) EXPECT_EQ(number_size(n), size) << n;
}
