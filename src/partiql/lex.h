// PartiQL's tokens: words, "quoted identifiers", 'strings', numbers, ? parameters and punctuation,
// with the line and column DynamoDB's messages give. Internal to src/partiql.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ddb::partiql {

struct Tok {
  enum Kind { kWord, kQuoted, kString, kNumber, kParam, kPunct, kEnd } kind = kEnd;
  std::string text;  // kString/kQuoted: unescaped; kWord: as written
  size_t line = 1, col = 1, len = 0;
  size_t param = 0;  // kParam: its index
};

// Keywords are case-insensitive: compared in upper case.
std::string upper(std::string_view s);

// Splits `text` into tokens ending with a kEnd token. False on a character or an unterminated quote
// the grammar has no token for.
bool lex(std::string_view text, std::vector<Tok>& out);

}  // namespace ddb::partiql
