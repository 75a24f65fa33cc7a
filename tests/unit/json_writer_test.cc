#include "util/json_writer.h"

#include <random>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

using namespace ddb;

namespace {
// The same calls through RapidJSON's writer and ours.
template <class Writer>
std::string write(const std::string& s) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.StartArray();
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.String(s.c_str());
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}
using Plain = rapidjson::Writer<rapidjson::StringBuffer>;
}  // namespace

TEST(JsonWriter, EscapesEveryByteAsRapidJson) {
  for (int c = 1; c < 256; ++c) {
    for (size_t pos : {0, 3, 7, 8, 9, 15, 16, 20}) {
      std::string s(21, 'a');
      s[pos] = static_cast<char>(c);
      EXPECT_EQ(write<JsonWriter>(s), write<Plain>(s)) << "byte " << c << " at " << pos;
    }
  }
}

TEST(JsonWriter, RandomStringsAsRapidJson) {
  std::mt19937 rng(7);
  const std::string alphabet = std::string("ab\"\\/\x01\x1f\x7f\n\t\r\b\f ") + "\xc3\xa9\xe2\x82\xac\xff";
  for (int round = 0; round < 5000; ++round) {
    std::string s(rng() % 70, ' ');
    bool dense = rng() % 2 == 0;
    for (auto& ch : s)
      ch = dense ? alphabet[rng() % alphabet.size()]
                 : (rng() % 40 == 0 ? '"' : static_cast<char>('a' + rng() % 26));
    ASSERT_EQ(write<JsonWriter>(s), write<Plain>(s)) << "round " << round;
  }
}

TEST(JsonWriter, DocumentsWriteTheSame) {
  const char* json = R"({"a":"x\"y\\z\n\u0001","b":[1,2.5,true,null,"\u00e9t\u00e9"],"c":{"d":""}})";
  rapidjson::Document d;
  d.Parse(json);
  ASSERT_FALSE(d.HasParseError());
  rapidjson::StringBuffer ours, theirs;
  JsonWriter w1(ours);
  Plain w2(theirs);
  d.Accept(w1);
  d.Accept(w2);
  EXPECT_EQ(std::string(ours.GetString()), std::string(theirs.GetString()));
}
