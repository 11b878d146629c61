#include "frontend/options.h"

#include <fmt/format.h>

#include "frontend/command_line_parser.h"
#include "frontend/option_values.h"

namespace glasspc {

CommandLine parse_command_line(const std::vector<std::string>& args) {
  CommandLine result;
  CommandLineParser parser(result.config);
  try {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      std::string_view name = arg;
      // QEMU accepts every option with one or two dashes.
      if (name.starts_with("--") && name.size() > 2) {
        name.remove_prefix(2);
      } else if (name.starts_with('-') && name.size() > 1) {
        name.remove_prefix(1);
      } else {
        // QEMU would take a bare argument as a disk image; glasspc has no disks yet.
        throw OptionError{
            fmt::format("{}: unexpected argument (options start with '-'; glasspc "
                        "has no disk images yet)",
                        arg)};
      }
      if (!CommandLineParser::known(name))
        throw OptionError{fmt::format("{}: invalid option (try --help)", arg)};
      std::string_view argument;
      if (CommandLineParser::takes_argument(name)) {
        if (i + 1 >= args.size()) throw OptionError{fmt::format("{}: requires an argument", arg)};
        argument = args[++i];
      }
      if (auto text = parser.apply(name, argument)) {
        result.action = CommandLine::Action::Print;
        result.text = std::move(*text);
        return result;
      }
    }
    parser.finish();
  } catch (const OptionError& error) {
    result.action = CommandLine::Action::Fail;
    result.text = error.message;
  }
  return result;
}

}  // namespace glasspc
