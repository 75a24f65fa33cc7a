// Order-preserving, self-delimiting encoding of key attribute values (S, N, B), so that
// byte order of encoded keys equals DynamoDB's key order. Documented in docs/storage-format.md.
#pragma once
#include <string>
#include <string_view>

#include "types/value.h"

namespace ddb {

// Appends the encoding of a scalar key value. REQUIRES: v.type is S, N or B.
void encode_key_part(std::string& out, const Value& v);
// Decodes one part of the given type from the front of `in`; false on corrupt input.
bool decode_key_part(std::string_view& in, VType type, Value& v);

}  // namespace ddb

namespace ddb {
// Appends the encoding of the bytes of an S or B value without its terminator: every key whose
// value starts with these bytes starts with this encoding (begins_with on sort keys).
void encode_key_prefix(std::string& out, const Value& v);
}  // namespace ddb
