#include "json_out.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace edgepack {

std::string jsNumber(double value) {
  if (!std::isfinite(value)) return "null";  // as JSON.stringify writes NaN and ±Infinity
  if (value == 0) return "0";                // -0 too
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string text(buffer, result.ptr);  // e.g. "-1.2345e-05"
  const bool negative = text[0] == '-';
  const size_t e = text.find('e');
  std::string digits;
  for (size_t i = negative ? 1 : 0; i < e; i++) {
    if (text[i] != '.') digits += text[i];
  }
  const int k = static_cast<int>(digits.size());
  const int n = std::stoi(text.substr(e + 1)) + 1;  // ECMAScript's n: value = 0.digits × 10^n
  std::string out = negative ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits + std::string(n - k, '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, n) + "." + digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(-n, '0') + digits;
  } else {
    out += digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "") + "e" + (n - 1 >= 0 ? "+" : "-") +
           std::to_string(std::abs(n - 1));
  }
  return out;
}

namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void write(const JsonValue& v, int depth, std::string& out) {
  const std::string inner(static_cast<size_t>(depth + 1) * 2, ' ');
  const std::string closing(static_cast<size_t>(depth) * 2, ' ');
  if (std::holds_alternative<std::nullptr_t>(v.value)) {
    out += "null";
  } else if (const bool* b = std::get_if<bool>(&v.value)) {
    out += *b ? "true" : "false";
  } else if (const double* n = std::get_if<double>(&v.value)) {
    out += jsNumber(*n);
  } else if (const std::string* s = std::get_if<std::string>(&v.value)) {
    out += quote(*s);
  } else if (const auto* array = std::get_if<JsonValue::Array>(&v.value)) {
    if (array->empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (size_t i = 0; i < array->size(); i++) {
      out += inner;
      write((*array)[i], depth + 1, out);
      out += i + 1 < array->size() ? ",\n" : "\n";
    }
    out += closing + "]";
  } else {
    const auto& object = std::get<JsonValue::Object>(v.value);
    if (object.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    for (size_t i = 0; i < object.size(); i++) {
      out += inner + quote(object[i].first) + ": ";
      write(object[i].second, depth + 1, out);
      out += i + 1 < object.size() ? ",\n" : "\n";
    }
    out += closing + "}";
  }
}

}  // namespace

std::string stringify(const JsonValue& value, int depth) {
  std::string out;
  write(value, depth, out);
  return out;
}

}  // namespace edgepack
