// JSON text exactly as JavaScript's JSON.stringify(value, null, 2) writes it (numbers as Number#toString), so the
// wrapper's output is byte-identical to `edgepack predict --json`.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace edgepack {

/** A JSON value whose object keys keep their insertion order. */
struct JsonValue {
  using Array = std::vector<JsonValue>;
  using Object = std::vector<std::pair<std::string, JsonValue>>;
  std::variant<std::nullptr_t, bool, double, std::string, Array, Object> value;

  JsonValue() : value(nullptr) {}
  JsonValue(std::nullptr_t) : value(nullptr) {}
  JsonValue(bool b) : value(b) {}
  JsonValue(double n) : value(n) {}
  JsonValue(int n) : value(static_cast<double>(n)) {}
  JsonValue(long n) : value(static_cast<double>(n)) {}
  JsonValue(long long n) : value(static_cast<double>(n)) {}
  JsonValue(const char* s) : value(std::string(s)) {}
  JsonValue(std::string s) : value(std::move(s)) {}
  JsonValue(Array a) : value(std::move(a)) {}
  JsonValue(Object o) : value(std::move(o)) {}
};

/** A number as JavaScript prints it (shortest round-trip digits; exponent form below 1e-6 and from 1e21). */
std::string jsNumber(double value);

/** JSON.stringify(value, null, 2), the first line at `depth` levels of indentation. */
std::string stringify(const JsonValue& value, int depth = 0);

}  // namespace edgepack
