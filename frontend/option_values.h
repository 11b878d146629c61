// The value syntax of QEMU's command line: "key=value" lists and numbers.
//
// A list is comma-separated; a doubled comma ",," stands for a literal comma inside a value (so
// paths with commas can be given, as in QEMU). The first item may omit its key ("implied key"):
// in "-device isa-debug-exit,iobase=0xf4" the driver name is the implied "driver".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/types.h"

namespace glasspc {

// Thrown by the parsing helpers with a complete one-line message; the command-line parser turns
// it into its error result (it never escapes parse_command_line).
struct OptionError {
  std::string message;
};

class OptionList {
 public:
  // Parses `text`, the argument of option `option` ("-device"). An item without '=' is the
  // value of `implied_key` when it comes first; anywhere else it means "key=on", as in QEMU.
  // Throws OptionError for an empty key or a key given twice.
  OptionList(std::string_view option, std::string_view text, std::string_view implied_key);

  // The value of `key`, marking it as used.
  std::optional<std::string> take(std::string_view key);
  // take() that also parses: unsigned integer (decimal, 0x hex, 0 octal), at most `max`.
  std::optional<u64> take_integer(std::string_view key, u64 max);
  // take() for on/off switches (on|off|yes|no|true|false).
  std::optional<bool> take_bool(std::string_view key);
  // Throws OptionError naming the first key nobody took, and `known` (what is accepted).
  void reject_unknown(std::string_view known) const;

  bool empty() const { return m_items.empty(); }
  // "-device isa-debug-exit,iobase=x": the option and its text, to prefix error messages.
  std::string context() const;

 private:
  struct Item {
    std::string key;
    std::string value;
    bool taken = false;
  };
  std::string m_option;
  std::string m_text;
  std::vector<Item> m_items;
};

// Unsigned integer in C syntax (decimal, 0x hex, leading-0 octal), as QEMU's number properties.
std::optional<u64> parse_unsigned(std::string_view text);
// A size with an optional suffix: B (bytes), K, M, G, T, P, E (powers of 1024; either case). A
// number without suffix is in units of `default_unit`. Decimal fractions are allowed ("1.5G");
// the result is rounded down to whole bytes. Empty on malformed input or overflow.
std::optional<u64> parse_size(std::string_view text, u64 default_unit);
// A frequency in Hz with an optional decimal suffix k, M or G ("2G" = 2,000,000,000).
std::optional<u64> parse_frequency(std::string_view text);
std::optional<bool> parse_bool(std::string_view text);

}  // namespace glasspc
