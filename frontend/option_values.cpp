#include "frontend/option_values.h"

#include <fmt/format.h>

#include <cctype>
#include <limits>

namespace glasspc {

namespace {

// Splits at single commas; ",," is a literal comma.
std::vector<std::string> split_items(std::string_view text) {
  std::vector<std::string> items(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ',') {
      items.back().push_back(text[i]);
    } else if (i + 1 < text.size() && text[i + 1] == ',') {
      items.back().push_back(',');
      ++i;
    } else {
      items.emplace_back();
    }
  }
  return items;
}

bool multiply_add(u64& value, u64 factor, u64 addend) {
  if (value > (std::numeric_limits<u64>::max() - addend) / factor) return false;
  value = value * factor + addend;
  return true;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

// Parses a number with optional decimal fraction in units of `unit`. Returns false on junk or
// overflow.
bool scaled_decimal(std::string_view digits, u64 unit, u64& result) {
  const std::size_t dot = digits.find('.');
  const std::string_view whole = digits.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : digits.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty())) return false;
  u64 value = 0;
  for (char c : whole) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    if (!multiply_add(value, 10, static_cast<u64>(c - '0'))) return false;
  }
  if (!multiply_add(value, unit, 0)) return false;
  // Each fraction digit adds digit * unit / 10^position; done in 128 bits to stay exact.
  constexpr unsigned __int128 kFractionLimit = static_cast<unsigned __int128>(1) << 64;
  unsigned __int128 numerator = 0;
  unsigned __int128 denominator = 1;
  for (char c : fraction) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    if (denominator > kFractionLimit) return false;  // more digits than can matter
    numerator = numerator * 10 + static_cast<unsigned>(c - '0');
    denominator *= 10;
  }
  const unsigned __int128 extra = numerator * unit / denominator;
  if (extra > std::numeric_limits<u64>::max() - value) return false;
  result = value + static_cast<u64>(extra);
  return true;
}

}  // namespace

OptionList::OptionList(std::string_view option, std::string_view text, std::string_view implied_key)
    : m_option(option), m_text(text) {
  if (text.empty()) return;
  bool first = true;
  for (std::string& item : split_items(text)) {
    const std::size_t eq = item.find('=');
    Item parsed;
    if (eq == std::string::npos) {
      if (first && !implied_key.empty()) {
        parsed.key = implied_key;
        parsed.value = item;
      } else {
        parsed.key = item;
        parsed.value = "on";
      }
    } else {
      parsed.key = item.substr(0, eq);
      parsed.value = item.substr(eq + 1);
    }
    if (parsed.key.empty()) throw OptionError{fmt::format("{}: empty parameter name", context())};
    for (const Item& other : m_items) {
      if (other.key == parsed.key)
        throw OptionError{fmt::format("{}: parameter '{}' given twice", context(), parsed.key)};
    }
    m_items.push_back(std::move(parsed));
    first = false;
  }
}

std::string OptionList::context() const {
  return fmt::format("{} {}", m_option, m_text);
}

std::optional<std::string> OptionList::take(std::string_view key) {
  for (Item& item : m_items) {
    if (item.key == key) {
      item.taken = true;
      return item.value;
    }
  }
  return std::nullopt;
}

std::optional<u64> OptionList::take_integer(std::string_view key, u64 max) {
  const auto text = take(key);
  if (!text) return std::nullopt;
  const auto value = parse_unsigned(*text);
  if (!value)
    throw OptionError{
        fmt::format("{}: parameter '{}' expects a number, not '{}'", context(), key, *text)};
  if (*value > max)
    throw OptionError{fmt::format("{}: parameter '{}' must be at most {:#x}", context(), key, max)};
  return value;
}

std::optional<bool> OptionList::take_bool(std::string_view key) {
  const auto text = take(key);
  if (!text) return std::nullopt;
  const auto value = parse_bool(*text);
  if (!value)
    throw OptionError{
        fmt::format("{}: parameter '{}' expects on or off, not '{}'", context(), key, *text)};
  return value;
}

void OptionList::reject_unknown(std::string_view known) const {
  for (const Item& item : m_items) {
    if (!item.taken)
      throw OptionError{
          fmt::format("{}: unknown parameter '{}' (accepted: {})", context(), item.key, known)};
  }
}

std::optional<u64> parse_unsigned(std::string_view text) {
  unsigned base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  u64 value = 0;
  for (char c : text) {
    const int digit = digit_value(c);
    if (digit >= static_cast<int>(base)) return std::nullopt;
    if (!multiply_add(value, base, static_cast<u64>(digit))) return std::nullopt;
  }
  return value;
}

std::optional<u64> parse_size(std::string_view text, u64 default_unit) {
  if (text.empty()) return std::nullopt;
  u64 unit = default_unit;
  const char last = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
  if (!std::isdigit(static_cast<unsigned char>(text.back()))) {
    static constexpr std::string_view kSuffixes = "KMGTPE";
    if (last == 'B') {
      unit = 1;
    } else {
      const std::size_t power = kSuffixes.find(last);
      if (power == std::string_view::npos) return std::nullopt;
      unit = u64{1} << (10 * (power + 1));
    }
    text.remove_suffix(1);
  }
  u64 result = 0;
  if (!scaled_decimal(text, unit, result)) return std::nullopt;
  return result;
}

std::optional<u64> parse_frequency(std::string_view text) {
  if (text.empty()) return std::nullopt;
  u64 unit = 1;
  switch (text.back()) {
    case 'k':
    case 'K':
      unit = 1'000;
      break;
    case 'M':
      unit = 1'000'000;
      break;
    case 'G':
      unit = 1'000'000'000;
      break;
    default:
      break;
  }
  if (unit != 1) text.remove_suffix(1);
  u64 result = 0;
  if (!scaled_decimal(text, unit, result)) return std::nullopt;
  return result;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "on" || text == "yes" || text == "true") return true;
  if (text == "off" || text == "no" || text == "false") return false;
  return std::nullopt;
}

}  // namespace glasspc
