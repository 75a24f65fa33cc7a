"""Cases where ddb-local gives the service's answer and DynamoDB Local its own, and the recorded answer we
compare with is dynalite's. Every such case is listed here with the class of difference; the class names
its source, and docs/compatibility.md ("Validation texts") lists them for users. A case not listed must
equal DynamoDB Local's recorded answer (or state the service's answer with `real=` in cases.py).

dynalite was written against the live service (architect/dynalite README.md: "This project aims to match the
live DynamoDB instances as closely as possible (and is tested against them in various regions), including all
limits and error messages."); where a class has a more direct source it is named.
"""

SOURCES = {
    "member-constraints": (
        "The service checks each member against the constraints its API reference declares (Length, Range, "
        "Valid Values, Required) before anything else, and reports every violation at once as "
        "\"N validation error(s) detected: Value ... at '<member>' failed to satisfy constraint: ...\" "
        "(the AWS JSON protocol's validation; dynalite validations/index.js). DynamoDB Local has its own texts."),
    "create-table": (
        "CreateTable's semantic checks in the service's words (\"One or more parameter values were invalid: ...\", "
        "\"Invalid KeySchema: ...\"; dynalite validations/createTable.js)."),
    "key-schema": (
        "A Key that does not match the table's key schema (extra, missing or mistyped attribute) is "
        "\"The provided key element does not match the schema\" on the service (dynalite db/index.js "
        "validateKey; the text users meet in the AWS SDKs' error reports)."),
    "item-key": (
        "An item whose key or index key is missing, mistyped or too large names the attribute and the types "
        "(\"Missing the key pk in the item\", \"Type mismatch for key pk expected: S actual: N\", \"Size of hashkey "
        "has exceeded the maximum size limit of2048 bytes\"; dynalite db/index.js validateItem/checkKeySize). "
        "A scan that follows such a refused write differs in consequence."),
    "numbers": (
        "Number texts of the service (\"The parameter cannot be converted to a numeric value: abc\", \"Attempting "
        "to store more than 38 significant digits in a Number\"; dynalite validations/index.js)."),
    "return-values": "PutItem's ReturnValues other than NONE/ALL_OLD (dynalite validations/putItem.js).",
    "query-scan": (
        "Query's missing key element names it; Scan's Segment/TotalSegments and GSI consistent-read texts "
        "(dynalite validations/query.js, scan.js)."),
    "expressions": (
        "Reserved words in expressions are refused as the service refuses them (\"Attribute name is a reserved "
        "keyword; reserved keyword: size\"; the developer guide's reserved-word list); ADD/DELETE operand texts "
        "without DynamoDB Local's \"typeSet\" suffix (dynalite validations/index.js)."),
    "empty-and-duplicates": (
        "Empty sets, duplicate set elements and unreadable numbers in the service's words (\"Input collection "
        "[a, a] contains duplicates.\", \"The parameter cannot be converted to a numeric value:  1\"; dynalite "
        "validations/index.js)."),
    "other-texts": (
        "CreateTable's LSI on a table without a sort key, UpdateTable with nothing to change, a Query's start key "
        "outside its partition, and UnknownOperationException's empty message, as the service words them "
        "(dynalite validations/createTable.js, updateTable.js, query.js, index.js)."),
    "capacity": (
        "ConsumedCapacity only when ReturnConsumedCapacity asks for it (API reference, DeleteItem: "
        "\"ConsumedCapacity ... is only returned if the ReturnConsumedCapacity parameter was specified\")."),
}

SERVICE_ANSWERS = {
    **{name: "member-constraints" for name in [
        "list_tables_limit0", "list_tables_limit101", "list_tables_bad_start", "create_no_keyschema",
        "create_no_attrdefs", "create_bad_billing", "create_zero_throughput", "create_bad_attr_type",
        "create_bad_key_type", "create_three_keys", "create_empty_keyschema", "put_no_item",
        "put_bad_return_values_enum", "put_bad_rcc", "get_no_key", "update_bad_return_values", "query_bad_select",
        "query_limit_zero", "scan_total_zero", "scan_limit_zero", "scan_bad_select"]},
    **{name: "create-table" for name in [
        "create_no_throughput", "create_ppr_with_throughput", "create_undefined_key", "create_extra_attrdef",
        "create_range_first", "create_two_hash", "create_gsi_all_with_nonkey", "create_gsi_dup_name"]},
    **{name: "key-schema" for name in [
        "get_extra_key_attr", "get_wrong_key_type", "get_missing_range", "delete_wrong_key", "batch_write_bad_key",
        "batch_get_bad_key"]},
    **{name: "item-key" for name in [
        "put_missing_key", "put_wrong_key_type", "put_range_missing", "put_range_wrong_type", "put_gsi_wrong_type",
        "put_lsi_wrong_type", "put_hash_too_long", "update_gsi_key_wrong_type", "scan_gsi"]},
    **{name: "numbers" for name in ["put_value_bad_number", "put_value_num_39_digits"]},
    "put_bad_return_values": "return-values",
    **{name: "query-scan" for name in [
        "query_no_hash", "query_non_key", "query_gsi_wrong_key", "query_gsi_consistent", "scan_total_no_segment",
        "scan_segment_too_big"]},
    **{name: "expressions" for name in ["cond_reserved", "update_add_string", "update_delete_number"]},
    **{name: "empty-and-duplicates" for name in [
        "put_value_dup_ss", "put_value_num_spaces", "put_value_num_empty"]},
    **{name: "other-texts" for name in [
        "create_lsi_no_range", "update_cx2_nothing", "query_start_key_other_partition", "unknown_operation"]},
    **{name: "capacity" for name in ["delete_missing_item", "stream_delete_missing"]},
}
