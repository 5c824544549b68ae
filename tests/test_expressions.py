"""Every kind of value expression and condition, from the spec to the value the generated handler emits, and the
located generate-time error of its misuse."""
from __future__ import annotations

import hashlib

import pytest

import specbuild

PAYLOAD = {
    "type": "object",
    "properties": {
        "type": {"type": "string"}, "status": {"type": "string"}, "email": {"type": "string"},
        "middle": {"type": "string"}, "empty": {"type": "string"}, "csv": {"type": "string"},
        "json": {"type": "string"}, "iso": {"type": "string"}, "date": {"type": "string"},
        "missing_null": {"type": ["string", "null"]},
        "n": {"type": "number"}, "neg": {"type": "number"}, "i": {"type": "integer"}, "zero": {"type": "integer"},
        "cents": {"type": "integer"}, "ts": {"type": "integer"}, "ms": {"type": "integer"}, "f": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "items": {"type": "array", "items": {"type": "object", "additionalProperties": False, "properties": {
            "sku": {"type": "string"}, "price": {"type": "integer"}, "qty": {"type": "integer"}}}},
        "customer": {"type": "object", "additionalProperties": False, "properties": {
            "first": {"type": "string"}, "last": {"type": "string"}, "id": {"type": "integer"},
            "secret": {"type": "string"}}},
        "extra": {"type": "object", "properties": {"plan": {"type": "string"}}},
        "answers": {"type": "array", "items": {"type": "object", "properties": {"type": {"type": "string"}}}},
    },
}
BODY = {
    "type": "order", "status": "paid", "email": " Ana@Example.COM ", "empty": "", "csv": "x,y,z",
    "json": '{"k": [1, 2]}', "iso": "2026-01-15T10:00:00+02:00", "date": "2026-01-15", "missing_null": None,
    "n": 2.5, "neg": -2.5, "i": 7, "zero": 0, "cents": 1999, "ts": 1767225600, "ms": 1767225600123, "f": False,
    "tags": ["a", "b", "c"],
    "items": [{"sku": "A", "price": 1000, "qty": 2}, {"sku": "B", "price": 250, "qty": 1}],
    "customer": {"first": "Ana", "last": "Lee", "id": 42, "secret": "s"}, "extra": {"plan": "pro"},
    "answers": [{"type": "text", "text": "hi"}, {"type": "number", "number": 5}],
}
YES_NO = {"then": {"const": "yes"}, "else": {"const": "no"}}
ABSENT = object()  # the property is left out of the call
ANA = "ana@example.com"

# name: (expression, the value the call carries)
CASES = {
    "path": ("customer.first", "Ana"),
    "path_index": ("items[1].sku", "B"),
    "path_keys": ({"path": ["items", 0, "sku"]}, "A"),
    "path_declared_but_absent": ("middle", ABSENT),
    "const": ({"const": "x"}, "x"),
    "literal_number": (5, 5),
    "literal_null": (None, None),
    "template": ({"template": "{customer.first} {customer.last} ({header:X-Topic}, {query:shop}, {setting:region})"},
                 "Ana Lee (orders/create, acme, eu)"),
    "template_with_braces": ({"template": "{{{i}}}"}, "{7}"),
    "template_part_absent": ({"template": "{customer.first} {middle}"}, ABSENT),
    "header": ({"header": "X-Topic"}, "orders/create"),
    "query": ({"query": "shop"}, "acme"),
    "setting": ({"setting": "region"}, "eu"),
    "first_zero_is_present": ({"first": ["missing_null", "empty", "middle", "zero", "n"]}, 0),
    "first_false_is_present": ({"first": ["empty", "f"]}, False),
    "first_none_present": ({"first": ["empty", "middle"]}, ABSENT),
    "if_then": ({"if": {"value": "status", "equals": "paid"}, **YES_NO}, "yes"),
    "if_else": ({"if": {"value": "status", "equals": "void"}, **YES_NO}, "no"),
    "if_without_else": ({"if": {"value": "status", "equals": "void"}, "then": 1}, ABSENT),
    "lookup": ({"lookup": "status", "table": {"paid": "Paid", "void": "Void"}}, "Paid"),
    "lookup_default": ({"lookup": "type", "table": {"refund": 1}, "default": 0}, 0),
    "lookup_number_key": ({"lookup": "i", "table": {"7": "seven"}}, "seven"),
    "get": ({"get": {"const": "text"}, "from": "answers[0]"}, "hi"),
    "get_computed_key": ({"get": "answers[1].type", "from": "answers[1]"}, 5),
    "get_index": ({"get": 2, "from": "tags"}, "c"),
    "add": ({"add": ["i", 3, "n"]}, 12.5),
    "subtract": ({"subtract": ["i", 10]}, -3),
    "multiply": ({"multiply": ["n", 2]}, 5),
    "divide": ({"divide": ["cents", 100]}, 19.99),
    "divide_by_zero": ({"divide": ["i", "zero"]}, ABSENT),
    "round_half_up": ({"round": "n"}, 3),
    "round_half_away_from_zero": ({"round": "neg"}, -3),
    "round_digits": ({"round": {"divide": ["cents", 3]}, "digits": 2}, 666.33),
    "floor": ({"floor": "n"}, 2),
    "ceil": ({"ceil": "neg"}, -2),
    "abs": ({"abs": "neg"}, 2.5),
    "lowercase": ({"lowercase": {"trim": "email"}}, ANA),
    "uppercase": ({"uppercase": "status"}, "PAID"),
    "trim": ({"trim": "email"}, "Ana@Example.COM"),
    "replace": ({"replace": "csv", "find": ",", "with": "; "}, "x; y; z"),
    "split": ({"split": "csv", "separator": ","}, ["x", "y", "z"]),
    "join": ({"join": "tags", "separator": "|"}, "a|b|c"),
    "concat": ({"concat": ["customer.first", {"const": "-"}, "i", "middle"]}, "Ana-7"),
    "length_of_array": ({"length": "tags"}, 3),
    "length_of_text": ({"length": {"const": "né🙂"}}, 3),
    "to_string": ({"to_string": "n"}, "2.5"),
    "to_number": ({"to_number": {"const": " 12.5 "}}, 12.5),
    "to_number_not_a_number": ({"to_number": "status"}, ABSENT),
    "to_boolean": ({"to_boolean": "empty"}, False),
    "from_unix_seconds": ({"from_unix_seconds": "ts"}, "2026-01-01T00:00:00.000Z"),
    "from_unix_millis": ({"from_unix_millis": "ms"}, "2026-01-01T00:00:00.123Z"),
    "to_iso_timestamp": ({"to_iso_timestamp": "iso"}, "2026-01-15T08:00:00.000Z"),
    "to_unix_seconds": ({"to_unix_seconds": "iso"}, 1768464000),
    "to_unix_millis": ({"to_unix_millis": "date"}, 1768435200000),
    "md5": ({"md5": {"lowercase": {"trim": "email"}}}, hashlib.md5(ANA.encode()).hexdigest()),
    "sha256": ({"sha256": {"lowercase": {"trim": "email"}}}, hashlib.sha256(ANA.encode()).hexdigest()),
    "json_encode": ({"json_encode": "customer"}, '{"first":"Ana","last":"Lee","id":42,"secret":"s"}'),
    "json_decode": ({"json_decode": "json"}, {"k": [1, 2]}),
    "object": ({"object": {"name": "customer.first", "id": {"to_string": "customer.id"}, "gone": "middle"}},
               {"name": "Ana", "id": "42"}),
    "fields_except": ({"fields": "customer", "except": ["secret"]}, {"first": "Ana", "last": "Lee", "id": 42}),
    "merge": ({"merge": ["extra", {"object": {"plan": {"const": "team"}, "seats": 3}}]}, {"plan": "team", "seats": 3}),
    "each_map": ({"each": "items", "as": "it", "map": {"object": {"sku": "$it.sku", "price": {"divide": ["$it.price", 100]}}}},
                 [{"sku": "A", "price": 10}, {"sku": "B", "price": 2.5}]),
    "each_filter": ({"each": "items", "as": "it", "filter": {"value": "$it.qty", "greater_than": 1}, "map": "$it.sku"}, ["A"]),
    "each_index": ({"each": "tags", "as": "t", "index": "k", "map": {"concat": ["$k", "$t"]}}, ["0a", "1b", "2c"]),
    "each_body_variable": ({"each": "tags", "as": "t", "map": "$body.status"}, ["paid", "paid", "paid"]),
    "function": ({"function": "double", "args": ["i"]}, 14),
    # An operator's options may come before it (YAML and JSON keys have no order; a sorted dump puts `args` first).
    "function_args_first": ({"args": ["i"], "function": "double"}, 14),
    "each_options_first": ({"as": "t", "map": {"uppercase": "$t"}, "each": "tags"}, ["A", "B", "C"]),
    # Conditions, read through `if`.
    "exists": ({"if": {"exists": "middle"}, **YES_NO}, "no"),
    "exists_zero": ({"if": {"exists": "zero"}, **YES_NO}, "yes"),
    "equals": ({"if": {"value": "i", "equals": 7}, **YES_NO}, "yes"),
    "one_of": ({"if": {"value": "status", "one_of": ["paid", "void"]}, **YES_NO}, "yes"),
    "greater_than": ({"if": {"value": "n", "greater_than": 2.5}, **YES_NO}, "no"),
    "less_than": ({"if": {"value": "neg", "less_than": 0}, **YES_NO}, "yes"),
    "not": ({"if": {"not": {"exists": "middle"}}, **YES_NO}, "yes"),
    "all": ({"if": {"all": [{"exists": "i"}, {"value": "status", "equals": "void"}]}, **YES_NO}, "no"),
    "any": ({"if": {"any": [{"exists": "middle"}, {"value": "status", "equals": "paid"}]}, **YES_NO}, "yes"),
}
DOUBLE = "function double(x) {\n  return x * 2;\n}\n"


def _spec(props: dict) -> dict:
    return specbuild.spec(
        settings=[{"name": "region", "label": "Region", "type": "STRING"}],
        functions={"double": {"returns": {"type": "integer"}}},
        webhook={"payload": PAYLOAD},
        events=[{"name": "Order Seen", "description": "An order.", "properties": list(props)}],
        properties={name: {"description": "A value.", "from": expr} for name, expr in props.items()},
    )


@pytest.fixture(scope="module")
def emitted() -> dict:
    """The properties of the one call a webhook makes through a spec holding every case."""
    (call,) = specbuild.calls(_spec({name: expr for name, (expr, _) in CASES.items()}), BODY,
                              files={"double.js": DOUBLE}, headers={"X-Topic": "orders/create"},
                              query={"shop": "acme"}, settings={"region": "eu"})
    return call["properties"]


@pytest.mark.parametrize("name", CASES)
def test_expression_value_in_the_generated_handler(emitted, name):
    expected = CASES[name][1]
    if expected is ABSENT:
        assert name not in emitted
    else:
        assert emitted[name] == expected and type(emitted[name]) is type(expected)


# name: (expression, the error `pointer: message` it gives)
MISUSE = {
    "path_undeclared": ("customer.nope", "'customer.nope' names no field declared by the webhook payload schema"),
    "path_unknown_variable": ("$it.sku", "unknown variable $it in '$it.sku' (variables here: $event, $body)"),
    "setting_unknown": ({"setting": "nope"}, "unknown setting 'nope'; declare it under settings"),
    "request_part_unknown": ({"template": "{request:body}"}, "unknown request part 'body'; one of sorted_form, sorted_json, url"),
    "template_unclosed": ({"template": "{customer.first"},
                          "bad template: unclosed '{' at character 1 of template '{customer.first'"),
    "template_part_object": ({"template": "id {customer}"},
                             "a template part needs a string, a number or a boolean; "
                             "'customer' (as the payload schema declares it) is an object"),
    "equals_never_matches": ({"if": {"value": "i", "equals": "7"}, "then": 1},
                             "\"7\" can never match: 'i' (as the payload schema declares it) is an integer"),
    "lookup_of_object": ({"lookup": "customer", "table": {"a": 1}},
                         "lookup needs a string, a number or a boolean; "
                         "'customer' (as the payload schema declares it) is an object"),
    "get_from_text": ({"get": {"const": "a"}, "from": "status"},
                      "get ... from needs an object or an array; 'status' (as the payload schema declares it) is a string"),
    "add_text": ({"add": ["status", 1]},
                 "add needs a number; 'status' (as the payload schema declares it) is a string"),
    "round_text": ({"round": "status"}, "round needs a number; 'status' (as the payload schema declares it) is a string"),
    "lowercase_number": ({"lowercase": "i"},
                         "lowercase needs a string; 'i' (as the payload schema declares it) is an integer"),
    "split_array": ({"split": "tags", "separator": ","}, "split needs a string; 'tags' (as the payload schema declares it) is an array"),
    "join_text": ({"join": "csv"}, "join needs an array; 'csv' (as the payload schema declares it) is a string"),
    "concat_object": ({"concat": ["customer", "status"]},
                      "concat needs a string, a number or a boolean; "
                      "'customer' (as the payload schema declares it) is an object"),
    "length_number": ({"length": "i"},
                      "length needs a string or an array; 'i' (as the payload schema declares it) is an integer"),
    "to_number_boolean": ({"to_number": "f"},
                          "to_number needs a string or a number; 'f' (as the payload schema declares it) is a boolean"),
    # Issue 9's silent losses: a conversion applied to a value of the wrong declared type is an error.
    "to_iso_timestamp_of_integer": ({"to_iso_timestamp": "ts"},
                                    "to_iso_timestamp needs a string; 'ts' (as the payload schema declares it) is an "
                                    "integer"),
    "from_unix_seconds_of_text": ({"from_unix_seconds": "iso"},
                                  "from_unix_seconds needs a number; 'iso' (as the payload schema declares it) is a "
                                  "string"),
    "md5_number": ({"md5": "i"}, "md5 needs a string; 'i' (as the payload schema declares it) is an integer"),
    "json_decode_object": ({"json_decode": "customer"},
                           "json_decode needs a string; 'customer' (as the payload schema declares it) is an object"),
    "fields_of_text": ({"fields": "status"},
                       "fields needs an object; 'status' (as the payload schema declares it) is a string"),
    "fields_except_undeclared": ({"fields": "customer", "except": ["nope"]},
                                 "'nope' is not a field the schema of 'customer' (as the payload schema declares it) "
                                 "declares"),
    "merge_text": ({"merge": ["extra", "status"]},
                   "merge needs an object; 'status' (as the payload schema declares it) is a string"),
    "each_of_text": ({"each": "status", "as": "x", "map": "$x"},
                     "each needs an array; 'status' (as the payload schema declares it) is a string"),
    "each_map_undeclared": ({"each": "items", "as": "it", "map": "$it.nope"},
                            "'$it.nope' names no field declared by the webhook payload schema"),
    "greater_than_text": ({"if": {"value": "status", "greater_than": 1}, "then": 1},
                          "greater_than needs a number; 'status' (as the payload schema declares it) is a string"),
    "function_unknown": ({"function": "triple", "args": ["i"]}, "unknown function 'triple'; declare it under functions"),
    "const_with_extra_key": ({"const": 1, "value": "i"}, "unknown key 'value'; expected one of: const"),
    "header_name": ({"header": "X Topic"}, "must be an HTTP header name"),
    "query_empty": ({"query": ""}, "must not be empty"),
    "first_one_item": ({"first": ["i"]}, "must have at least 2 items"),
    "if_bad_then": ({"if": {"exists": "i"}, "then": "nope"},
                    "'nope' names no field declared by the webhook payload schema"),
    "lookup_empty_table": ({"lookup": "status", "table": {}}, "must not be empty"),
    "subtract_text": ({"subtract": ["i", "status"]},
                      "subtract needs a number; 'status' (as the payload schema declares it) is a string"),
    "multiply_text": ({"multiply": ["status", 2]},
                      "multiply needs a number; 'status' (as the payload schema declares it) is a string"),
    "divide_array": ({"divide": ["tags", 2]},
                     "divide needs a number; 'tags' (as the payload schema declares it) is an array"),
    "floor_text": ({"floor": "status"}, "floor needs a number; 'status' (as the payload schema declares it) is a string"),
    "ceil_text": ({"ceil": "status"}, "ceil needs a number; 'status' (as the payload schema declares it) is a string"),
    "abs_text": ({"abs": "status"}, "abs needs a number; 'status' (as the payload schema declares it) is a string"),
    "uppercase_number": ({"uppercase": "n"},
                         "uppercase needs a string; 'n' (as the payload schema declares it) is a number"),
    "trim_array": ({"trim": "tags"}, "trim needs a string; 'tags' (as the payload schema declares it) is an array"),
    "replace_number": ({"replace": "i", "find": "1", "with": "2"},
                       "replace needs a string; 'i' (as the payload schema declares it) is an integer"),
    "to_string_object": ({"to_string": "customer"},
                         "to_string needs a string, a number or a boolean; 'customer' (as the payload schema declares "
                         "it) is an object"),
    "from_unix_millis_of_text": ({"from_unix_millis": "iso"},
                                 "from_unix_millis needs a number; 'iso' (as the payload schema declares it) is a string"),
    "to_unix_seconds_of_integer": ({"to_unix_seconds": "ts"},
                                   "to_unix_seconds needs a string; 'ts' (as the payload schema declares it) is an "
                                   "integer"),
    "to_unix_millis_of_integer": ({"to_unix_millis": "ms"},
                                  "to_unix_millis needs a string; 'ms' (as the payload schema declares it) is an "
                                  "integer"),
    "sha256_number": ({"sha256": "n"}, "sha256 needs a string; 'n' (as the payload schema declares it) is a number"),
    "json_encode_bad_value": ({"json_encode": "nope"}, "'nope' names no field declared by the webhook payload schema"),
    "to_boolean_bad_value": ({"to_boolean": "nope"}, "'nope' names no field declared by the webhook payload schema"),
    "object_bad_field": ({"object": {"a": "nope"}}, "'nope' names no field declared by the webhook payload schema"),
    "each_filter_never_matches": ({"each": "items", "as": "it", "filter": {"value": "$it.qty", "equals": "two"}},
                                  "\"two\" can never match: '$it.qty' (as the payload schema declares it) is an integer"),
    "exists_undeclared": ({"if": {"exists": "nope"}, "then": 1},
                          "'nope' names no field declared by the webhook payload schema"),
    "one_of_never_matches": ({"if": {"value": "status", "one_of": ["paid", 3]}, "then": 1},
                             "3 can never match: 'status' (as the payload schema declares it) is a string"),
    "less_than_text": ({"if": {"value": "email", "less_than": 1}, "then": 1},
                       "less_than needs a number; 'email' (as the payload schema declares it) is a string"),
    "not_bad": ({"if": {"not": {"exists": "nope"}}, "then": 1},
                "'nope' names no field declared by the webhook payload schema"),
    "all_bad": ({"if": {"all": [{"exists": "i"}, {"value": "i", "greater_than": "1"}]}, "then": 1},
                "must be a number"),
    "any_bad": ({"if": {"any": [{"exists": "i"}, {"exists": "nope"}]}, "then": 1},
                "'nope' names no field declared by the webhook payload schema"),
    "transform_of_v1": ({"transform": "unix_seconds", "value": "ts"},
                        "transform was replaced by one operator per conversion: {from_unix_seconds: PATH} (was "
                        "transform: unix_seconds), {from_unix_millis: PATH} (unix_millis), {to_iso_timestamp: PATH} "
                        "(iso_timestamp), {to_string: PATH} (string), {to_number: PATH} (number), {lowercase: PATH}, "
                        "{uppercase: PATH}, {trim: PATH}"),
}
WHERE = {  # the pointer below /properties/x/from where the error is reported, when not the expression itself
    "setting_unknown": "/setting", "template_unclosed": "/template", "template_part_object": "/template",
    "request_part_unknown": "/template",
    "equals_never_matches": "/if/equals", "lookup_of_object": "/lookup", "get_from_text": "/from",
    "add_text": "/add/0", "round_text": "/round", "lowercase_number": "/lowercase", "split_array": "/split",
    "join_text": "/join", "concat_object": "/concat/0", "length_number": "/length", "to_number_boolean": "/to_number",
    "to_iso_timestamp_of_integer": "/to_iso_timestamp", "from_unix_seconds_of_text": "/from_unix_seconds",
    "md5_number": "/md5", "json_decode_object": "/json_decode", "fields_of_text": "/fields",
    "fields_except_undeclared": "/except/0", "merge_text": "/merge/1", "each_of_text": "/each",
    "each_map_undeclared": "/map", "greater_than_text": "/if/value", "function_unknown": "/function",
    "const_with_extra_key": "/value", "header_name": "/header", "query_empty": "/query", "first_one_item": "/first",
    "if_bad_then": "/then", "lookup_empty_table": "/table", "subtract_text": "/subtract/1", "multiply_text": "/multiply/0",
    "divide_array": "/divide/0", "floor_text": "/floor", "ceil_text": "/ceil", "abs_text": "/abs",
    "uppercase_number": "/uppercase", "trim_array": "/trim", "replace_number": "/replace", "to_string_object": "/to_string",
    "from_unix_millis_of_text": "/from_unix_millis", "to_unix_seconds_of_integer": "/to_unix_seconds",
    "to_unix_millis_of_integer": "/to_unix_millis", "sha256_number": "/sha256", "json_encode_bad_value": "/json_encode",
    "to_boolean_bad_value": "/to_boolean", "object_bad_field": "/object/a", "each_filter_never_matches": "/filter/equals",
    "exists_undeclared": "/if/exists", "one_of_never_matches": "/if/one_of/1", "less_than_text": "/if/value",
    "not_bad": "/if/not/exists", "all_bad": "/if/all/1/greater_than", "any_bad": "/if/any/1/exists",
}


@pytest.mark.parametrize("name", MISUSE)
def test_expression_misuse_is_a_located_error(name):
    expr, message = MISUSE[name]
    found = specbuild.errors(_spec({"x": expr}), files={"double.js": DOUBLE})
    assert found == [f"/properties/x/from{WHERE.get(name, '')}: {message}"]


def test_a_trait_transform_of_v1_is_an_error_not_a_raw_value():
    """Issue 9: `created_at: {transform: unix_seconds, value: ...}` in identity traits sent the raw number."""
    value = _spec({})
    value["identity"]["traits"] = {"created_at": {"transform": "unix_seconds", "value": "ts"}}
    (found,) = specbuild.errors(value)
    assert found.startswith("/identity/traits/created_at/transform: transform was replaced by one operator per conversion")
