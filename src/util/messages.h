// Every message text ddb-local answers with, in one place: the engine's, the expressions' (the
// details of "Invalid <expression>: ..."), the constraints that Violations (engine/json_util.h)
// assembles into "N validation errors detected: ...", and the protocol's. A text with {} is an fmt
// template that msg::text(kX, values...) fills; one without is used as it is. The texts are the
// service's (DynamoDB Local's where the service's is not known), so a change here is a change of
// behaviour: the differential test compares them.
#pragma once
#include <string>

#include <fmt/format.h>

namespace ddb::msg {

template <class... Args>
std::string text(fmt::format_string<Args...> t, Args&&... args) {
  return fmt::format(t, std::forward<Args>(args)...);
}

// ---- shared by several operations ----
inline constexpr char kNesting[] = "Nesting Levels have exceeded supported limits";
// PutItem says more when its item is too deep (DynamoDB Local 3.3.1).
inline constexpr char kItemNesting[] =
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond "
    "supported "
    "limit";
inline constexpr char kNumberDigits[] = "Attempting to store more than 38 significant digits in a Number";
inline constexpr char kNumberOverflow[] =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
inline constexpr char kNumberUnderflow[] =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";
inline constexpr char kSignatureMismatch[] =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details.";

// ---- the protocol (src/server/protocol.cc) ----
// The service's text (DynamoDB Local's is "Request must contain either a valid (registered) AWS access key
// ID or X.509 certificate.", docs/compatibility.md).
inline constexpr char kMissingAuthenticationToken[] = "Request is missing Authentication Token";
// The service's answer to a corrupt gzip body is not known; this is ours (docs/compatibility.md).
inline constexpr char kCorruptGzipBody[] = "The request body is not a valid gzip stream";

// ---- constraints of "Value ... at '...' failed to satisfy constraint: ..." (Violations) ----
inline constexpr char kMustNotBeNull[] = "Member must not be null";
inline constexpr char kTableNamePattern[] = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";
inline std::string min_length(long long n) {
  return "Member must have length greater than or equal to " + std::to_string(n);
}
inline std::string max_length(long long n) {
  return "Member must have length less than or equal to " + std::to_string(n);
}
inline std::string min_value(long long n) {
  return "Member must have value greater than or equal to " + std::to_string(n);
}
inline std::string max_value(long long n) {
  return "Member must have value less than or equal to " + std::to_string(n);
}
// `set` as the service lists it, e.g. "[AND, OR]".
inline std::string enum_set(std::string_view set) {
  return "Member must satisfy enum value set: " + std::string(set);
}

// ---- catalog.cc ----
inline constexpr char kCorruptTableDefinition[] = "corrupt table definition";

// ---- conditions.cc ----
inline constexpr char kUnexpectedValueTypeInPayload[] = "Unexpected value type in payload";
inline constexpr char kInvalidValueCannotUsedWhenExistsFalseFor[] =
    "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: {}";
inline constexpr char kInvalidValueMustProvidedWhenExistsForAttribute[] =
    "One or more parameter values were invalid: Value must be provided when Exists is {} for Attribute: {}";
inline constexpr char kInvalidNumberOfArgumentsForComparisonOperator[] =
    "One or more parameter values were invalid: Invalid number of argument(s) for the {} ComparisonOperator";
inline constexpr char kCanNotUseBothExpressionAndNon[] =
    "Can not use both expression and non-expression parameters in the same request: Non-expression "
    "parameters: {{{}}} Expression parameters: {{{}}}";
inline constexpr char kUnexpectedFieldType[] = "Unexpected field type";
inline constexpr char kInvalidComparisonOperator[] =
    "One or more parameter values were invalid: Invalid ComparisonOperator";

// ---- create_table_parse.cc ----
inline constexpr char kCannotHaveTwoAttributesWithSameName[] =
    "Cannot have two attributes with the same name: {}";
inline constexpr char kInvalidSomeIndexKeyAttributesNotDefinedIn[] =
    "One or more parameter values were invalid: Some index key attributes are not defined in "
    "AttributeDefinitions. Keys: {}, AttributeDefinitions: {}";
inline constexpr char kInvalidTableKeyschemaDoesNotHaveRangeKey[] =
    "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required "
    "when specifying a LocalSecondaryIndex";
inline constexpr char kInvalidIndexKeyschemaDoesNotHaveSameLeading[] =
    "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as "
    "table KeySchema for index: {}. index hash key: {}, table hash key: {}";
inline constexpr char kInvalidIndexKeyschemaDoesNotHaveRangeKey[] =
    "One or more parameter values were invalid: Index KeySchema does not have a range key for index: {}";
inline constexpr char kNoProvisionedThroughputSpecifiedForGlobalSecondary[] =
    "No provisioned throughput specified for the global secondary index";
inline constexpr char kInvalidProvisionedthroughputShouldNotSpecifiedForIndexWhen[] =
    "One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: {} "
    "when BillingMode is PAY_PER_REQUEST";
inline constexpr char kInvalidListEmpty[] = "One or more parameter values were invalid: List of {} is empty";
inline constexpr char kInvalidNumberLocalsecondaryindexesExceedsPerTableLimit5[] =
    "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5";
inline constexpr char kInvalidNumberGlobalsecondaryindexesExceedsPerTableLimit20[] =
    "One or more parameter values were invalid: Number of GlobalSecondaryIndexes exceeds per-table limit of "
    "20";
inline constexpr char kInvalidDuplicateIndexName[] =
    "One or more parameter values were invalid: Duplicate index name: {}";
inline constexpr char kInvalidYouMustSpecifyStreamviewtypeWhenYouEnable[] =
    "One or more parameter values were invalid: You must specify a StreamViewType when you enable a stream";
inline constexpr char kInvalidYouCannotSpecifyStreamviewtypeWhenYouDisable[] =
    "One or more parameter values were invalid: You cannot specify a StreamViewType when you disable a "
    "stream";
inline constexpr char kInvalidReadcapacityunitsAndWritecapacityunitsMustBothSpecifiedWhen[] =
    "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
    "specified when BillingMode is PROVISIONED";
inline constexpr char kInvalidNeitherReadcapacityunitsNorWritecapacityunitsCanSpecifiedWhen[] =
    "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be "
    "specified when BillingMode is PAY_PER_REQUEST";
inline constexpr char kInvalidNumberAttributesInKeyschemaDoesNotExactly[] =
    "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match "
    "number of attributes defined in AttributeDefinitions";

// ---- engine.cc ----
inline constexpr char kCorruptTableIdCounter[] = "corrupt table id counter";
inline constexpr char kUnsupportedStorageFormatBuildReadsFormat[] =
    "unsupported storage format {} (this build reads format {})";
inline constexpr char kStartStructureOrMapFoundWhereNot[] =
    "Start of structure or map found where not expected";

// ---- json_util.cc ----
inline constexpr char kNumberValueCannotConvertedString[] = "NUMBER_VALUE cannot be converted to String";
inline constexpr char kTypeValueCannotConvertedString[] = "{}_VALUE cannot be converted to String";
inline constexpr char kStringValueCanNotConvertedLong[] = "STRING_VALUE can not be converted to a Long";
inline constexpr char kNumberValueCanNotConvertedLong[] = "NUMBER_VALUE can not be converted to a Long";
inline constexpr char kStringValueCanNotConvertedBoolean[] = "STRING_VALUE can not be converted to a Boolean";

// ---- ops_batch.cc ----
inline constexpr char kViolationValueAtRequestitemsFailedSatisfyConstraintMap[] =
    "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must "
    "satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater "
    "than or equal to 1]";
inline constexpr char kTooManyItemsRequestedForBatchwriteitemCall[] =
    "Too many items requested for the BatchWriteItem call";
inline constexpr char kSuppliedAttributevalueHasMoreThanOneDatatypes[] =
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
    "datatypes";
inline constexpr char kProvidedListItemKeysContainsDuplicates[] =
    "Provided list of item keys contains duplicates";
inline constexpr char kTooManyItemsRequestedForBatchgetitemCall[] =
    "Too many items requested for the BatchGetItem call";
// The service's answers captured in 2026 (nubo-db/dynamodb-conformance, tests/tier3/error-messages/
// batchWriteItem.test.ts and batchGetItem.test.ts; docs/compatibility.md):
inline constexpr char kBatchWriteRequestItemsRequired[] =
    "The requestItems parameter is required for BatchWriteItem";
inline constexpr char kRequestItemsMapKeys[] =
    "Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have "
    "length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]";

// ---- ops_common.cc ----
inline constexpr char kProvidedKeyElementDoesNotMatchSchema[] =
    "The provided key element does not match the schema";
inline constexpr char kKeyAttributeValueEmpty[] =
    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
    "empty {} value. Key: {}";
inline constexpr char kInvalidSizeHashkeyHasExceededMaximumSizeLimit[] =
    "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 "
    "bytes";
inline constexpr char kInvalidAggregatedSizeAllRangeKeysHasExceeded[] =
    "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size "
    "limit of 1024 bytes";
inline constexpr char kInvalidMissingKeyInItem[] =
    "One or more parameter values were invalid: Missing the key {} in the item";
inline constexpr char kInvalidTypeMismatchForKeyExpectedActual[] =
    "One or more parameter values were invalid: Type mismatch for key {} expected: {} actual: {}";
inline constexpr char kInvalidTypeMismatchForIndexKeyExpectedActual[] =
    "One or more parameter values were invalid: Type mismatch for Index Key {} Expected: {} Actual: {} "
    "IndexName: {}";
inline constexpr char kIndexKeyValueEmpty[] =
    "One or more parameter values are not valid. A value specified for a secondary index key is not "
    "supported. The AttributeValue for a key attribute cannot contain an empty {} value. IndexName: {}, "
    "IndexKey: {}";
inline constexpr char kExpressionattributevaluesMustNotEmpty[] =
    "ExpressionAttributeValues must not be empty";
inline constexpr char kExpressionattributevaluesContainsInvalidKeySyntaxErrorKey[] =
    "ExpressionAttributeValues contains invalid key: Syntax error; key: \"{}\"";

// ---- ops_items.cc ----
inline constexpr char kExpressionattributenamesMustNotEmpty[] = "ExpressionAttributeNames must not be empty";
inline constexpr char kExpressionAttributeNamesEmptyName[] =
    "ExpressionAttributeNames contains invalid value: Empty attribute name for key {}";
inline constexpr char kExpressionAttributeValuesInvalidValue[] =
    "ExpressionAttributeValues contains invalid value: {} for key {}";
inline constexpr char kExpressionattributenamesContainsInvalidKeySyntaxErrorKey[] =
    "ExpressionAttributeNames contains invalid key: Syntax error; key: \"{}\"";
inline constexpr char kExpressionattributenamesCanOnlySpecifiedWhenUsingExpressions[] =
    "ExpressionAttributeNames can only be specified when using expressions";
inline constexpr char kExpressionattributevaluesCanOnlySpecifiedWhenUsingExpressions[] =
    "ExpressionAttributeValues can only be specified when using expressions";
inline constexpr char kInvalidDuplicateValueInAttributeName[] =
    "One or more parameter values were invalid: Duplicate value in attribute name: {}";
inline constexpr char kInvalidOnlyDeleteActionAllowedWhenNoAttribute[] =
    "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is "
    "specified";
inline constexpr char kInvalidDeleteActionWithValueNotSupportedFor[] =
    "One or more parameter values were invalid: DELETE action with value is not supported for the type {}";
inline constexpr char kInvalidAddActionNotSupportedForType[] =
    "One or more parameter values were invalid: ADD action is not supported for the type {}";
inline constexpr char kItemSizeUpdateHasExceededMaximumAllowed[] =
    "Item size to update has exceeded the maximum allowed size";
inline constexpr char kItemSizeHasExceededMaximumAllowedSize[] =
    "Item size has exceeded the maximum allowed size";
inline constexpr char kInvalidCannotUpdateAttributeAttributePartKey[] =
    "One or more parameter values were invalid: Cannot update attribute {}. This attribute is part of the "
    "key";
inline constexpr char kCorruptItem[] = "corrupt item";

// ---- ops_query.cc ----
inline constexpr char kIndexDoesNotProjectFilterAttributes[] =
    "One or more parameter values were invalid: Secondary index {} does not project one or more filter "
    "attributes: {}";
inline constexpr char kTableDoesNotHaveSpecifiedIndex[] = "The table does not have the specified index: {}";
inline constexpr char kInvalidOperatorUsedInKeyconditionexpressionOr[] =
    "Invalid operator used in KeyConditionExpression: OR";
inline constexpr char kInvalidOperatorUsedInKeyconditionexpressionNot[] =
    "Invalid operator used in KeyConditionExpression: NOT";
inline constexpr char kInvalidOperatorUsedInKeyconditionexpressionIn[] =
    "Invalid operator used in KeyConditionExpression: IN";
inline constexpr char kKeyConditionInvalidOperator[] = "Invalid operator used in KeyConditionExpression: {}";
inline constexpr char kKeyconditionexpressionsCannotContainNestedOperations[] =
    "KeyConditionExpressions cannot contain nested operations";
inline constexpr char kKeyconditionexpressionsCannotHaveConditionsOnNestedAttributes[] =
    "KeyConditionExpressions cannot have conditions on nested attributes";
inline constexpr char kKeyconditionexpressionsMustOnlyContainOneConditionPer[] =
    "KeyConditionExpressions must only contain one condition per key";
inline constexpr char kQueryKeyConditionNotSupported[] = "Query key condition not supported";
inline constexpr char kKeyConditionOperatorNotEqual[] = "Invalid operator used in KeyConditionExpression: <>";
inline constexpr char kInvalidKeyconditionexpressionIncorrectOperandTypeForOperator[] =
    "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
    "begins_with, operand type: N";
inline constexpr char kQueryConditionMissedKeySchemaElement[] =
    "Query condition missed key schema element: {}";
inline constexpr char kProvidedStartingKeyInvalidProvidedKeyElement[] =
    "The provided starting key is invalid: The provided key element does not match the schema";
// dynalite's text (validations/scan.js), written against the service; DynamoDB Local says "If segment
// is specified, total segment must also be specified".
inline constexpr char kTotalSegmentsRequired[] =
    "The TotalSegments parameter is required but was not present in the request when Segment parameter is "
    "present";
inline constexpr char kSegmentParameterRequiredButNotPresentIn[] =
    "The Segment parameter is required but was not present in the request when parameter TotalSegments is "
    "present";
inline constexpr char kSegmentParameterZeroBasedAndMustLess[] =
    "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {} is not "
    "less than TotalSegments: {}";
inline constexpr char kEitherKeyconditionsOrKeyconditionexpressionParameterMustSpecified[] =
    "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.";
inline constexpr char kCannotSpecifyAttributestogetWhenChoosingGet[] =
    "Cannot specify the AttributesToGet when choosing to get {}";
inline constexpr char kCannotSpecifyProjectionexpressionWhenChoosingGet[] =
    "Cannot specify the ProjectionExpression when choosing to get {}";
inline constexpr char kAllProjectedAttributesCanUsedOnlyWhen[] =
    "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName";
inline constexpr char kInvalidSelectTypeAllAttributesNotSupportedFor[] =
    "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
    "secondary index {} because its projection type is not ALL";
inline constexpr char kConsistentReadsNotSupportedOnGlobalSecondary[] =
    "Consistent reads are not supported on global secondary indexes";
inline constexpr char kFilterExpressionCanOnlyContainNonPrimary[] =
    "Filter Expression can only contain non-primary key attributes: Primary key attribute: {}";
inline constexpr char kProvidedStartingKeyOutsideQueryBoundariesBased[] =
    "The provided starting key is outside query boundaries based on provided conditions";

// ---- ops_streams.cc ----
inline constexpr char kRequestedResourceNotFoundStreamNotFound[] =
    "Requested resource not found: Stream: {} not found";
inline constexpr char kRequestedResourceNotFoundShardDoesNot[] =
    "Requested resource not found: Shard does not exist";
inline constexpr char kMustProvideSequencenumberForIteratorType[] =
    "Must provide SequenceNumber for iterator type {}";
inline constexpr char kInvalidSequencenumber[] = "Invalid SequenceNumber: {}";
inline constexpr char kInvalidSharditerator[] = "Invalid ShardIterator";

// ---- ops_tables.cc ----
inline constexpr char kTableAlreadyExists[] = "Table already exists: {}";
inline constexpr char kSubscriberLimitExceededOnly2500TablesCan[] =
    "Subscriber limit exceeded: Only 2500 tables can be created in an account";
inline constexpr char kRequestedResourceNotFoundTableNotFound[] =
    "Requested resource not found: Table: {} not found";
inline constexpr char kResourceCannotDeletedAsCurrentlyProtectedAgainst[] =
    "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection "
    "first.";

// ---- ops_tags_ttl.cc ----
inline constexpr char kInvalidTablearnInvalidResourcearnProvidedAsInput[] =
    "Invalid TableArn: Invalid ResourceArn provided as input {}";
inline constexpr char kRequestedResourceNotFoundResourcarnNotFound[] =
    "Requested resource not found: ResourcArn: {} not found";
inline constexpr char kTimetoliveAlreadyEnabled[] = "TimeToLive is already enabled";
inline constexpr char kTimetoliveAlreadyDisabled[] = "TimeToLive is already disabled";
inline constexpr char kTimetoliveActiveOnDifferentAttributenameCurrentAttributename[] =
    "TimeToLive is active on a different AttributeName: current AttributeName is {}";

// ---- ops_transact.cc ----
inline constexpr char kTransactitemsCanOnlyContainOneCheckPut[] =
    "TransactItems can only contain one of Check, Put, Update or Delete";
inline constexpr char kTransactionRequestCannotIncludeMultipleOperationsOn[] =
    "Transaction request cannot include multiple operations on one item";
inline constexpr char kTransactionRequestCannotLargerThan4mb[] =
    "Transaction request cannot be larger than 4MB";
inline constexpr char kTransactionCancelledPleaseReferCancellationReasonsFor[] =
    "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]";
inline constexpr char kRequestTokenHasAlreadyUsedWithDifferent[] =
    "Request token has already been used with different request parameters";

// ---- ops_update_table.cc ----
inline constexpr char kInvalidProvisionedthroughputMustSpecifiedWhenBillingmodeProvisioned[] =
    "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is "
    "PROVISIONED";
inline constexpr char kProvisionedThroughputForTableWillNotChange[] =
    "The provisioned throughput for the table will not change. The requested value equals the current value. "
    "Current ReadCapacityUnitsForTable: {}. Requested ReadCapacityUnitsForTable: {}. Current "
    "WriteCapacityUnitsForTable: {}. Requested WriteCapacityUnitsForTable: {}. Refer to the Amazon DynamoDB "
    "Developer Guide for current limits and how to request higher limits.";
inline constexpr char kTableAlreadyHasEnabledStreamStream[] =
    "Table already has an enabled stream: {}/stream/{}";
inline constexpr char kTableAlreadyHasNoStreamEnabled[] = "Table already has no stream enabled";
inline constexpr char kInvalidIndexKeyAttributesNotDefinedForUpdate[] =
    "One or more parameter values were invalid: Some index key attributes are not defined in "
    "AttributeDefinitions. Keys: [{}{}]";
inline constexpr char kInvalidProvisionedthroughputMustSpecifiedForIndex[] =
    "One or more parameter values were invalid: ProvisionedThroughput must be specified for index: {}";
inline constexpr char kTooManyIndexesCreatedOnTable[] = "Too many indexes were created on this table";
inline constexpr char kRequestedResourceNotFoundRequestedIndexNot[] =
    "Requested resource not found: Requested index {} not found";
inline constexpr char kUpdateTableNothingToDo[] =
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or "
    "SSESpecification or ReplicaUpdates is required";

// ---- table_parse.cc ----
inline constexpr char kInvalidKeyschemaFirstKeyschemaelementNotHashKey[] =
    "Invalid KeySchema: The first KeySchemaElement is not a HASH key type";
inline constexpr char kInvalidKeyschemaSecondKeyschemaelementNotRangeKey[] =
    "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type";
inline constexpr char kBothHashKeyAndRangeKeyElement[] =
    "Both the Hash Key and the Range Key element in the KeySchema have the same name";
// OnDemandThroughput of 0 or below -1 (DynamoDB Local 3.3.1's text).
inline constexpr char kOnDemandThroughputAtLeastOne[] =
    "Table read and write throughput must be at least 1, and cannot be null";
// GSI multi-attribute key schemas (up to four HASH and four RANGE attributes): DynamoDB Local 3.3.1's
// texts; the service's are not published.
inline constexpr char kKeySchemaTooBig[] =
    "Key Schema too big.  Key Schema must at most consist of the hash and range key of a table";
inline constexpr char kInvalidKeyOrder[] =
    "Invalid key order. Hash Key must be specified first in key schema, Range Key must be specifed second";
inline constexpr char kTwoKeysSameName[] = "Two keys can not have the same name";
inline constexpr char kTooManyPartitionKeys[] =
    "Too many partition keys. GSI can have at most 4 partition keys";
inline constexpr char kTooManySortKeys[] = "Too many sort keys. GSI can have at most 4 sort keys";
inline constexpr char kAttributeNotDefinedInAttributeDefinitions[] =
    "Attribute {} is not defined in AttributeDefinitions";
inline constexpr char kInvalidSizeLimitExceeded[] =
    "One or more parameter values were invalid: Size limit exceeded";
inline constexpr char kAggregateSizeForKeyAttributesOfIndexExceeded[] =
    "Aggregate size for {} key attributes {} of index {} has exceeded limit {} bytes, with actual size {} "
    "bytes";
inline constexpr char kHashKeyAttributesNeedEquality[] =
    "HASH key attributes {} must have equality conditions specified in the query";
inline constexpr char kRangeKeyAttributesNeedEquality[] =
    "RANGE key attributes {} must have equality conditions specified in the query because a condition is "
    "present on key attribute {}";
inline constexpr char kQueryConditionMissedKeySchemaElementBare[] =
    "Query condition missed key schema element";
// DynamoDB Local 3.3.1's text for a Scan's ExclusiveStartKey of another segment.
inline constexpr char kExclusiveStartKeyOutsideSegment[] = "Exclusive start key must lie within the segment";
inline constexpr char kProvidedStartingKeyInvalid[] = "The provided starting key is invalid";
inline constexpr char kPqCompositeKeys[] =
    "PartiQL statements cannot be executed on tables with composite HASH keys or composite RANGE keys.";
inline constexpr char kInvalidNonkeyattributesMustNotEmpty[] =
    "One or more parameter values were invalid: NonKeyAttributes must not be empty";
inline constexpr char kInvalidUnknownProjectiontypeNull[] =
    "One or more parameter values were invalid: Unknown ProjectionType: null";
inline constexpr char kIfProjectionTypeIncludeSpecifiedSomeNon[] =
    "If Projection type INCLUDE is specified, some non-key attributes to include in the projection must be "
    "specified as well";
inline constexpr char kInvalidProjectiontypeButNonkeyattributesSpecified[] =
    "One or more parameter values were invalid: ProjectionType is {}, but NonKeyAttributes is specified";

// ---- eval.cc ----
inline constexpr char kOperandInUpdateExpressionHasIncorrectData[] =
    "An operand in the update expression has an incorrect data type";
inline constexpr char kProvidedExpressionRefersAttributeDoesNotExist[] =
    "The provided expression refers to an attribute that does not exist in the item";
inline constexpr char kDocumentPathProvidedInUpdateExpressionInvalid[] =
    "The document path provided in the update expression is invalid for update";

// ---- parse.cc ----
inline constexpr char kInvalidExpression[] = "Invalid {}: {}";
inline constexpr char kValueProvidedInExpressionattributevaluesUnusedInExpressions[] =
    "Value provided in ExpressionAttributeValues unused in expressions: keys: {{{}}}";
inline constexpr char kValueProvidedInExpressionattributenamesUnusedInExpressions[] =
    "Value provided in ExpressionAttributeNames unused in expressions: keys: {{{}}}";

// ---- decimal.cc ----
inline constexpr char kParameterCannotConvertedNumericValue[] =
    "The parameter cannot be converted to a numeric value: {}";
inline constexpr char kEmptyCannotConvertedNumericValue[] =
    "The parameter cannot be converted to a numeric value";

// ---- value.cc ----
inline constexpr char kCannotBeConverted[] = "{} cannot be converted to {}";
inline constexpr char kBase64EncodedLengthExpectedMultiple4Bytes[] =
    "Base64 encoded length is expected a multiple of 4 bytes but found: {}";
inline constexpr char kInvalidStringSetMayNotEmpty[] =
    "One or more parameter values were invalid: An string set  may not be empty";
inline constexpr char kInvalidNumberSetMayNotEmpty[] =
    "One or more parameter values were invalid: An number set  may not be empty";
inline constexpr char kInvalidBinarySetsShouldNotEmpty[] =
    "One or more parameter values were invalid: Binary sets should not be empty";
inline constexpr char kInvalidInputCollectionContainsDuplicates[] =
    "One or more parameter values were invalid: Input collection {} contains duplicates.";
// A number set whose elements differ as written but are equal numbers (["1", "1.0"]).
inline constexpr char kInputCollectionContainsEqualNumbers[] = "Input collection contains duplicates";
inline constexpr char kEmptyAttributeName[] = "Empty attribute name";
inline constexpr char kSuppliedAttributevalueEmptyMustContainExactlyOne[] =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
inline constexpr char kInvalidNullAttributeValueTypesMustHaveValue[] =
    "One or more parameter values were invalid: Null attribute value types must have the value of true";

// ---- ops_query.cc (Select, key conditions) ----
inline constexpr char kSpecificAttributesNeedAttributes[] =
    "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES";
inline constexpr char kKeyConditionNeedsPathAndValue[] =
    "Invalid KeyConditionExpression: The expression must contain a document path and a value";
inline constexpr char kInvalidConditionParameterTypeMismatch[] =
    "One or more parameter values were invalid: Condition parameter type does not match schema type";

// ---- ops_streams.cc (DescribeStream, GetShardIterator) ----
inline constexpr char kInvalidShardLimit[] =
    "One or more parameter values were invalid: Limit cannot be greater than the maximum: 100";
inline constexpr char kTrimmedDataAccess[] =
    "The operation attempted to read past the oldest stream record in a shard.";

// ---- expressions: the details of "Invalid <expression>: ..." (src/expr/parse.cc) ----
inline constexpr char kExprSyntaxErrorTokenNear[] = "Syntax error; token: \"{}\", near: \"{}\"";
inline constexpr char kExprInvalidCharacterEncounteredCharacterPosition[] =
    "Invalid character encountered; character: \"{}\", position: {}";
inline constexpr char kExprAttributeNameReservedKeywordReservedKeyword[] =
    "Attribute name is a reserved keyword; reserved keyword: {}";
inline constexpr char kExprDocumentPathHasTooManyNestingLevels[] =
    "The document path has too many nesting levels; nesting levels: {}";
inline constexpr char kExprExpressionAttributeNameUsedInDocumentPath[] =
    "An expression attribute name used in the document path is not defined; attribute name: {}";
inline constexpr char kExprExpressionAttributeValueUsedInExpressionNot[] =
    "An expression attribute value used in expression is not defined; attribute value: {}";
inline constexpr char kExprExpressionHasTooManyNestedLevels[] = "The expression has too many nested levels";
inline constexpr char kProvidedStartingKeyDoesNotMatchRangeKeyPredicate[] =
    "The provided starting key does not match the range key predicate";
inline constexpr char kExprRedundantParentheses[] = "The expression has redundant parentheses;";
inline constexpr char kExprTooManyOperators[] =
    "The expression contains too many operators; operator count: {}";
inline constexpr char kExprListIndexOutOfRange[] =
    "List index is not within the allowable range; index: [{}]";
inline constexpr char kExprOperandsMustBeDistinct[] =
    "The first operand must be distinct from the remaining operands for this operator or function; operator: "
    "{}, "
    "first operand: {}";
inline constexpr char kExprFunctionRequiresDocumentPath[] =
    "Operator or function requires a document path; operator or function: {}";
inline constexpr char kExprOperatorOrFunctionRequiresDocumentPathOperator[] =
    "Operator or function requires a document path; operator or function: if_not_exists";
inline constexpr char kExprFunctionNotAllowedInUpdateExpressionFunction[] =
    "The function is not allowed in an update expression; function: {}";
inline constexpr char kExprFunctionNotAllowedUsedWayInExpression[] =
    "The function is not allowed to be used this way in an expression; function: {}";
inline constexpr char kExprInvalidFunctionNameFunction[] = "Invalid function name; function: {}";
inline constexpr char kExprIncorrectOperandTypeForOperatorOrFunction[] =
    "Incorrect operand type for operator or function; operator or function: {}, operand type: {}";
inline constexpr char kExprInOperatorProvidedWithTooManyOperands[] =
    "The IN operator is provided with too many operands; number of operands: {}";
inline constexpr char kExprFunctionNotAllowedUsedWayInExpression2[] =
    "The function is not allowed to be used this way in an expression; function: size";
inline constexpr char kExprExpressionCanNotEmpty[] = "The expression can not be empty;";
inline constexpr char kExprSectionCanOnlyUsedOnceInUpdate[] =
    "The \"{}\" section can only be used once in an update expression;";
inline constexpr char kExprIncorrectOperandTypeForOperatorOrFunction2[] =
    "Incorrect operand type for operator or function; operator: {}, operand type: {}";
inline constexpr char kExprExpressionSizeHasExceededMaximumAllowedSize[] =
    "Expression size has exceeded the maximum allowed size; expression size: {}";

// ---- expressions: semantic checks (src/expr/checks.cc) ----
inline constexpr char kExprIncorrectOperandType[] =
    "Incorrect operand type for operator or function; operator or function: {}, operand type: {}";
inline constexpr char kExprBetweenBounds[] =
    "lower bound operand: AttributeValue: {{{}:{}}}, upper bound operand: AttributeValue: {{{}:{}}}";
inline constexpr char kExprInvalidAttributeTypeName[] =
    "Invalid attribute type name found; type: {}, valid types: {{N,BS,L,B,NULL,M,S,SS,NS,BOOL}}";
inline constexpr char kExprIncorrectNumberOfOperands[] =
    "Incorrect number of operands for operator or function; operator or function: {}, number of operands: {}";
inline constexpr char kExprBetweenSameType[] =
    "The BETWEEN operator requires same data type for lower and upper bounds; {}";
inline constexpr char kExprBetweenOrder[] =
    "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; {}";
inline constexpr char kExprPathsConflict[] =
    "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {}, "
    "path "
    "two: {}";
inline constexpr char kExprPathsOverlap[] =
    "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {}, "
    "path "
    "two: {}";

// ---- PartiQL (src/partiql, src/engine/ops_partiql*.cc): DynamoDB Local 3.3.1's texts ----
inline constexpr char kPqMalformed[] = "Statement wasn't well formed, can't be processed: {}";
inline constexpr char kPqParameterCount[] = "Number of parameters in request and statement don't match.";
inline constexpr char kPqUnrecognizedFunction[] = "Unrecognized function: {}";
inline constexpr char kPqUnsupportedClause[] = "Unsupported clause: {} at {}:{}:{}";
inline constexpr char kPqMissingNeedsIs[] = "MISSING must be compared using IS operator";
inline constexpr char kPqExistsOnlyInTransactions[] =
    "EXISTS can only be used in ExecuteTransaction write requests.";
inline constexpr char kPqExistsNeedsCondition[] =
    "Validation failed in TransactStatements[{}]: EXISTS() must contain a single item read with additional "
    "condition";
inline constexpr char kPqEmptyPathComponent[] = "Path component cannot be an empty string";
inline constexpr char kPqAliasing[] = "Aliasing is not supported";
inline constexpr char kPqEmptyBag[] = "Empty bags are not supported at {}:{}:{}";
inline constexpr char kPqDuplicateTupleKey[] = "Duplicate keys in tuple. Key: {} under root at {}:{}:{}";
inline constexpr char kPqInsertNotStruct[] =
    "Unsupported format in item expression. Please use struct format {{...}} to express item values for "
    "insert "
    "statement. at {}:{}:{}";
inline constexpr char kPqPrecision[] = "DynamoDB only supports precision up to 38 digits";
inline constexpr char kPqReturningStar[] =
    "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause";
inline constexpr char kPqDeleteReturning[] =
    "Invalid returning clause: RETURNING {} {} *. Only RETURNING ALL OLD * is allowed in DELETE statements.";
inline constexpr char kPqKeyType[] =
    "Key attribute's data type should match its data type in table's schema: Key {}";
inline constexpr char kPqKeyMissingInItem[] = "Key attribute should be present in the item: Key {}";
inline constexpr char kPqMultipleKeyConditions[] =
    "Multiple conditions on same key {}. Only single item Update/Insert/Delete are supported";
inline constexpr char kPqNeedFullKey[] =
    "Where clause does not contain a mandatory equality on all key attributes";
inline constexpr char kPqOrderByNeedsWhere[] =
    "Must have WHERE clause in the statement when using ORDER BY clause.";
inline constexpr char kPqOrderByKey[] =
    "Variable reference {} in ORDER BY clause must be part of the primary key";
inline constexpr char kPqNoTable[] = "Cannot do operations on a non-existent table";
inline constexpr char kPqDuplicateItem[] = "Duplicate primary key exists in table";
inline constexpr char kPqInvalidNextToken[] = "Invalid NextToken";
inline constexpr char kPqBatchSingleSelect[] = "Only single item select is supported";
inline constexpr char kPqBatchMixed[] =
    "Read and write requests together in the same batch is not supported.";
inline constexpr char kPqBatchEmpty[] = "The statement was empty.";
inline constexpr char kPqBatchDuplicateKeys[] = "Provided list of item keys contains duplicates";
inline constexpr char kPqBatchInvalidOperation[] =
    "Invalid operation. Only select, insert, update and delete operations are valid";
inline constexpr char kPqTxMixed[] =
    "ExecuteTransaction API does not support both read and write operations in the same request.";
inline constexpr char kPqTxSelectKey[] =
    "Validation failed in TransactStatements[{}]: Select statements within ExecuteTransaction must specify "
    "the "
    "primary key in the where clause.";
inline constexpr char kPqTxReturning[] =
    "Validation failed in TransactStatements[{}]: RETURNING clause is not supported in ExecuteTransaction.";
inline constexpr char kPqTxTokenMismatch[] =
    "Specified idempotent token was used with different request parameters within the idempotency window";
inline constexpr char kPqTxEmpty[] = "ExecutePartiQLTransaction can not have empty statement.";

// ---- vector indexes and SearchVectors ----
// The service's texts, as captured against DynamoDB in eu-west-2 on 2026-08-11 (nubo-db/dynamodb-conformance,
// tests/tier3/error-messages/searchVectors.test.ts, vectorIndexes.test.ts and vectorWrites.test.ts):
inline constexpr char kVecHashRequired[] =
    "SearchConditionExpression must be provided when SearchSchema has a HASH key";
inline constexpr char kVecSchemaNotDefined[] =
    "One or more parameter values were invalid: One element in SearchSchema is not defined in attribute "
    "definitions";
inline constexpr char kVecInvalidComparator[] =
    "Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression";
inline constexpr char kVecTopKRange[] =
    "Provided TopK value '{}' is out of valid range. The value must be between 1 and {} inclusive";
inline constexpr char kVecSearchDimensions[] =
    "Input search vector dimension {} does not match vector index dimension {}";
inline constexpr char kVecConditionAttribute[] =
    "SearchConditionExpression must not contain any attributes that is not in SearchSchema. Invalid "
    "attribute: {}";
inline constexpr char kVecSearchElement[] =
    "Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point "
    "number attribute";
inline constexpr char kVecOnDemandOnly[] =
    "One or more parameter values were invalid: Vector indexes are only supported for PAY_PER_REQUEST tables";
inline constexpr char kVecDimensionsRange[] =
    "One or more parameter values were invalid: Number of dimensions must be between 1 and {} inclusive.";
inline constexpr char kVecTooMany[] =
    "One or more parameter values were invalid: VectorIndex count exceeds the per-table limit of {}";
inline constexpr char kVecSameAttributeDimensions[] =
    "One or more parameter values were invalid: Conflicting attribute definition for '{}'. All VectorIndexes "
    "on the same vector attribute must use the same dimensions.";
inline constexpr char kVecWrongType[] =
    "One or more parameter values were invalid. Invalid type for parameter {}, Expected: 32-bit floating "
    "point number list IndexName: {}";
inline constexpr char kVecElementType[] =
    "One or more parameter values were invalid. Invalid type for parameter {}[{}], Expected: 32-bit floating "
    "point number, Actual: {}. IndexName: {}";
inline constexpr char kVecWrongDimensions[] =
    "One or more parameter values were invalid. Invalid size for parameter {}, Expected: {}, Actual: {} "
    "IndexName: {}";
// Verbatim from the developer guide's "Troubleshooting vector indexes" page:
inline constexpr char kVecBackfilling[] = "Cannot search backfilling vector index: {}";
inline constexpr char kVecNotAVectorIndex[] = "The table does not have the specified index: {}";
// Ours, in the service's style (its texts are not published; docs/compatibility.md):
inline constexpr char kVecElementRange[] =
    "One or more parameter values were invalid. Invalid value for parameter {}[{}], Expected: 32-bit "
    "floating point number, Actual: a number beyond its range. IndexName: {}";
inline constexpr char kVecAttributeIsKey[] =
    "One or more parameter values were invalid: The vector attribute {} of index {} cannot be a key "
    "attribute";
inline constexpr char kVecSchemaHashCount[] =
    "One or more parameter values were invalid: SearchSchema of index {} can have at most one HASH element";
inline constexpr char kVecSchemaTooBig[] =
    "One or more parameter values were invalid: SearchSchema of index {} can have at most {} elements";
inline constexpr char kVecSchemaDuplicate[] =
    "One or more parameter values were invalid: SearchSchema of index {} names attribute {} twice";
inline constexpr char kVecSchemaIsVector[] =
    "One or more parameter values were invalid: SearchSchema of index {} cannot name its vector attribute {}";
inline constexpr char kVecIndexNotFound[] =
    "One or more parameter values were invalid: Requested resource not found: VectorIndex: {} not found";
inline constexpr char kVecIndexExists[] =
    "One or more parameter values were invalid: Index already exists: {}";
inline constexpr char kVecUpdatesOne[] =
    "One or more parameter values were invalid: Only one vector index update is allowed per UpdateTable "
    "request";
inline constexpr char kVecSearchVectorEmpty[] = "SearchVector must not be empty";
inline constexpr char kVecConditionTwice[] =
    "Attribute {} appears more than once in SearchConditionExpression";

}  // namespace ddb::msg
