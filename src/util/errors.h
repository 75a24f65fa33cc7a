// The one place that knows DynamoDB's error names and their HTTP status codes.
// Each factory returns an Error with the full __type that DynamoDB puts on the wire.
#pragma once
#include <string>

#include "util/messages.h"
#include "util/status.h"

namespace ddb::err {

inline constexpr const char* kDdbPrefix = "com.amazonaws.dynamodb.v20120810#";
inline constexpr const char* kCoralPrefix = "com.amazon.coral.service#";
inline constexpr const char* kCoralValidation = "com.amazon.coral.validate#ValidationException";

inline Error ddb(const char* name, std::string msg, int status = 400) {
  return Error{std::string(kDdbPrefix) + name, std::move(msg), status, {}};
}
inline Error coral(const char* name, std::string msg, int status = 400) {
  return Error{std::string(kCoralPrefix) + name, std::move(msg), status, {}};
}

inline Error validation(std::string msg) {
  return ddb("ValidationException", std::move(msg));
}
inline Error not_found(std::string msg = "Requested resource not found") {
  return ddb("ResourceNotFoundException", std::move(msg));
}
inline Error in_use(std::string msg) {
  return ddb("ResourceInUseException", std::move(msg));
}
inline Error conditional_failed(std::string msg = "The conditional request failed") {
  return ddb("ConditionalCheckFailedException", std::move(msg));
}
inline Error limit_exceeded(std::string msg) {
  return ddb("LimitExceededException", std::move(msg));
}
inline Error serialization(std::string msg) {
  return coral("SerializationException", std::move(msg));
}
inline Error unknown_operation() {
  return coral("UnknownOperationException", "");
}
inline Error internal(std::string msg) {
  return ddb("InternalServerError", std::move(msg), 500);
}
inline Error transaction_canceled(std::string msg) {
  return ddb("TransactionCanceledException", std::move(msg));
}
inline Error transaction_conflict(std::string msg) {
  return ddb("TransactionConflictException", std::move(msg));
}
// Authentication (the service's coral errors; 400).
inline Error missing_authentication_token() {
  return coral("MissingAuthenticationTokenException", msg::kMissingAuthenticationToken);
}
inline Error incomplete_signature(std::string msg) {
  return coral("IncompleteSignatureException", std::move(msg));
}
inline Error unrecognized_client() {
  return coral("UnrecognizedClientException", "The security token included in the request is invalid.");
}
inline Error invalid_signature(std::string msg) {
  return coral("InvalidSignatureException", std::move(msg));
}
inline Error request_too_large() {
  return ddb("RequestEntityTooLarge", "Request entity too large", 413);
}
// What the server answers when unfinished request bodies already hold all the memory it allows;
// the SDKs retry it with back-off.
inline Error throttling() {
  return Error{"com.amazon.coral.availability#ThrottlingException",
               "Rate of requests exceeds the allowed throughput.",
               400,
               {}};
}
inline Error idempotent_mismatch(std::string msg) {
  return ddb("IdempotentParameterMismatchException", std::move(msg));
}

}  // namespace ddb::err
