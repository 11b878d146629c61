// Command lines that QEMU users type, parsed into the expected MachineConfig, and every error
// message the parser produces.
#include "frontend/options.h"

#include <catch2/catch.hpp>

#include "bus/trace.h"

using namespace glasspc;

namespace {

CommandLine parse(std::vector<std::string> args) {
  return parse_command_line(args);
}

MachineConfig config_of(std::vector<std::string> args) {
  const CommandLine result = parse(std::move(args));
  INFO(result.text);
  REQUIRE(result.action == CommandLine::Action::Run);
  return result.config;
}

std::string error_of(std::vector<std::string> args) {
  const CommandLine result = parse(std::move(args));
  REQUIRE(result.action == CommandLine::Action::Fail);
  return result.text;
}

std::string printed_by(std::vector<std::string> args) {
  const CommandLine result = parse(std::move(args));
  REQUIRE(result.action == CommandLine::Action::Print);
  return result.text;
}

const ChardevConfig& chardev(const MachineConfig& config, const std::string& id) {
  const ChardevConfig* found = config.find_chardev(id);
  REQUIRE(found != nullptr);
  return *found;
}

}  // namespace

TEST_CASE("no options give QEMU's defaults: 128 MiB, one CPU, COM1 and monitor on the terminal") {
  const MachineConfig config = config_of({});
  CHECK(config.ram_size == 128u << 20);
  CHECK(config.cpus == 1);
  CHECK(config.machine == "pc");
  CHECK(config.cpu_model == "max");
  CHECK(config.pacing == Pacing::Realtime);
  REQUIRE(config.serials.size() == 1);
  CHECK(config.serials[0].index == 0);
  const ChardevConfig& terminal = chardev(config, config.serials[0].chardev);
  CHECK(terminal.backend == ChardevConfig::Backend::Stdio);
  CHECK(terminal.mux);
  CHECK_FALSE(terminal.signal);  // as mon:stdio: Ctrl-C goes to the guest
  CHECK(config.monitor_chardev == terminal.id);
}

TEST_CASE("option -m takes MiB, QEMU suffixes in either case, size=, fractions and two dashes") {
  CHECK(config_of({"-m", "512"}).ram_size == 512u << 20);
  CHECK(config_of({"-m", "1G"}).ram_size == 1u << 30);
  CHECK(config_of({"-m", "2g"}).ram_size == 2u << 30);
  CHECK(config_of({"-m", "65536K"}).ram_size == 64u << 20);
  CHECK(config_of({"-m", "size=256M"}).ram_size == 256u << 20);
  CHECK(config_of({"-m", "1.5G"}).ram_size == 1536u << 20);
  CHECK(config_of({"-m", "1T"}).ram_size == u64{1} << 40);
  CHECK(config_of({"--m", "64"}).ram_size == 64u << 20);
  CHECK(config_of({"-m", "64", "-m", "32"}).ram_size == 32u << 20);  // the last one counts
}

TEST_CASE("option -m errors") {
  CHECK(error_of({"-m", "garbage"}) ==
        "-m garbage: expected a size in MiB or with a suffix K, M, G or T");
  CHECK(error_of({"-m", "12Q"}) == "-m 12Q: expected a size in MiB or with a suffix K, M, G or T");
  CHECK(error_of({"-m", "99999999999999999999"}) ==
        "-m 99999999999999999999: expected a size in MiB or with a suffix K, M, G or T");
  CHECK(error_of({"-m", "0"}) == "-m 0: the RAM size must not be 0");
  CHECK(error_of({"-m", "1G,maxmem=2G"}) ==
        "-m 1G,maxmem=2G: unknown parameter 'maxmem' (accepted: size)");
  CHECK(error_of({"-m"}) == "-m: requires an argument");
}

TEST_CASE("option -smp takes a count or cpus=, with maxcpus equal to it") {
  CHECK(config_of({"-smp", "4"}).cpus == 4);
  CHECK(config_of({"-smp", "cpus=2"}).cpus == 2);
  CHECK(config_of({"-smp", "maxcpus=3"}).cpus == 3);
  CHECK(config_of({"-smp", "2,maxcpus=2"}).cpus == 2);
  CHECK(config_of({"-smp", "64"}).cpus == 64);
  CHECK(error_of({"-smp", "0"}) == "-smp 0: the number of CPUs must be between 1 and 64");
  CHECK(error_of({"-smp", "65"}) == "-smp 65: the number of CPUs must be between 1 and 64");
  CHECK(error_of({"-smp", "x"}) == "-smp x: parameter 'cpus' expects a number, not 'x'");
  CHECK(error_of({"-smp", "2,maxcpus=4"}) ==
        "-smp 2,maxcpus=4: maxcpus must equal cpus (glasspc has no CPU hotplug)");
  CHECK(error_of({"-smp", "4,sockets=2"}) ==
        "-smp 4,sockets=2: unknown parameter 'sockets' (accepted: cpus, maxcpus, quantum)");
  CHECK(config_of({"-smp", "4,quantum=5000"}).smp_quantum_cycles == 5000);
  CHECK(config_of({"-smp", "4"}).smp_quantum_cycles == 20000);
  CHECK(error_of({"-smp", "2,quantum=5"}) ==
        "-smp 2,quantum=5: quantum must be 100 to 100000000 cycles");
}

TEST_CASE("option -machine and -M accept pc, QEMU's versioned i440FX names and accel=tcg") {
  CHECK(config_of({"-machine", "pc"}).machine == "pc");
  CHECK(config_of({"-M", "pc-i440fx-8.2"}).machine == "pc-i440fx-8.2");
  CHECK(config_of({"-machine", "type=pc,accel=tcg"}).machine == "pc");
  CHECK(config_of({"-machine", "accel=kvm:tcg"}).machine == "pc");  // QEMU's fallback list
  CHECK(error_of({"-machine", "q35"}) ==
        "-machine q35: unsupported machine type 'q35' (glasspc has pc; use -machine help)");
  CHECK(error_of({"-M", "pc-i440fx-8"}) ==
        "-machine pc-i440fx-8: unsupported machine type 'pc-i440fx-8' (glasspc has pc; use "
        "-machine help)");
  CHECK(error_of({"-machine", "pc,accel=kvm"}) ==
        "-machine pc,accel=kvm: no accelerator found in 'kvm' (glasspc has only tcg)");
  CHECK(error_of({"-machine", "pc,usb=on"}) ==
        "-machine pc,usb=on: unknown parameter 'usb' (accepted: type, accel)");
}

TEST_CASE("option -cpu takes a model and freq=, -accel takes tcg and jit=") {
  const MachineConfig config = config_of({"-cpu", "qemu64,freq=2G"});
  CHECK(config.cpu_model == "qemu64");
  CHECK(config.cpu_frequency_hz == 2'000'000'000u);
  CHECK(config_of({"-cpu", "base,freq=1500000"}).cpu_frequency_hz == 1'500'000u);
  CHECK_FALSE(config_of({"-cpu", "v2"}).cpu_frequency_hz.has_value());
  CHECK(config_of({"-accel", "tcg"}).cpus == 1);
  CHECK(config_of({"-accel", "tcg,thread=single"}).cpus == 1);
  CHECK(config_of({"-accel", "tcg"}).jit);
  CHECK_FALSE(config_of({"-accel", "tcg,jit=off"}).jit);
  CHECK(config_of({"-accel", "tcg,jit=on"}).jit);
  CHECK(error_of({"-accel", "tcg,jit=yes"}) == "-accel tcg,jit=yes: jit expects on or off");
  CHECK(error_of({"-cpu", "host"}) == "-cpu host: unknown CPU model 'host' (use -cpu help)");
  CHECK(error_of({"-cpu", "max,freq=abc"}) ==
        "-cpu max,freq=abc: freq expects a frequency in Hz (suffixes k, M, G)");
  CHECK(error_of({"-cpu", "max,+sse4.2"}) ==
        "-cpu max,+sse4.2: unknown parameter '+sse4.2' (accepted: freq)");
  CHECK(error_of({"-accel", "kvm"}) ==
        "-accel kvm: accelerator 'kvm' is not supported (glasspc has only tcg)");
  CHECK(error_of({"-accel", "tcg,thread=multi"}) ==
        "-accel tcg,thread=multi: thread must be single (glasspc runs every vCPU on one host "
        "thread)");
}

TEST_CASE("boot options: -kernel, -initrd, -append, -bios") {
  const MachineConfig config = config_of({"-kernel", "k.elf", "-initrd", "mod1 arg,mod2", "-append",
                                          "console=ttyS0", "-bios", "b.bin"});
  CHECK(config.kernel == "k.elf");
  CHECK(config.initrd == "mod1 arg,mod2");
  CHECK(config.append == "console=ttyS0");
  CHECK(config.bios == "b.bin");
  CHECK(error_of({"-initrd", "x"}) == "-initrd only allowed with -kernel option");
  CHECK(error_of({"-append", "quiet"}) == "-append only allowed with -kernel option");
  CHECK(error_of({"-kernel", ""}) == "-kernel: empty file name");
}

TEST_CASE("option -serial backends map to COM1..COM4 in order") {
  const MachineConfig config = config_of(
      {"-serial", "stdio", "-serial", "file:out.txt", "-serial", "null", "-serial", "none"});
  REQUIRE(config.serials.size() == 3);
  CHECK(chardev(config, config.serials[0].chardev).backend == ChardevConfig::Backend::Stdio);
  CHECK(chardev(config, config.serials[0].chardev).signal);  // plain stdio: Ctrl-C ends glasspc
  CHECK_FALSE(chardev(config, config.serials[0].chardev).mux);
  CHECK(chardev(config, config.serials[1].chardev).backend == ChardevConfig::Backend::File);
  CHECK(chardev(config, config.serials[1].chardev).path == "out.txt");
  CHECK_FALSE(chardev(config, config.serials[1].chardev).append);  // QEMU truncates
  CHECK(config.serials[2].index == 2);
  CHECK(chardev(config, config.serials[2].chardev).backend == ChardevConfig::Backend::Null);
  // A -serial without the monitor: glasspc has no window for QEMU's default monitor.
  CHECK(config.monitor_chardev.empty());
}

TEST_CASE(
    "option -serial none leaves its port empty and mon:stdio shares the terminal with the "
    "monitor") {
  const MachineConfig config = config_of({"-serial", "none", "-serial", "mon:stdio"});
  REQUIRE(config.serials.size() == 1);
  CHECK(config.serials[0].index == 1);  // COM2
  const ChardevConfig& terminal = chardev(config, config.serials[0].chardev);
  CHECK(terminal.mux);
  CHECK_FALSE(terminal.signal);
  CHECK(config.monitor_chardev == terminal.id);
}

TEST_CASE("option -serial errors") {
  CHECK(error_of({"-serial", "vc"}) ==
        "-serial vc: 'vc' is not a valid char driver (glasspc has stdio, null, none, file:PATH, "
        "chardev:ID and mon:stdio)");
  CHECK(error_of({"-serial", "mon:null"}) ==
        "-serial mon:null: mon: is only supported as mon:stdio");
  CHECK(error_of({"-serial", "file:"}) == "-serial file:: empty file name");
  CHECK(error_of({"-serial", "chardev:nope"}) == "-serial chardev:nope: chardev 'nope' not found");
  CHECK(error_of({"-serial", "null", "-serial", "null", "-serial", "null", "-serial", "null",
                  "-serial", "null"}) ==
        "-serial null: too many serial ports (glasspc has COM1 to COM4)");
  CHECK(error_of({"-serial", "stdio", "-serial", "stdio"}) ==
        "cannot use stdio by multiple character devices");
}

TEST_CASE("option -nographic, -nodefaults and -display none follow QEMU's default devices") {
  // -nographic: serial and monitor share the terminal...
  MachineConfig config = config_of({"-nographic"});
  REQUIRE(config.serials.size() == 1);
  CHECK(config.monitor_chardev == config.serials[0].chardev);
  // ...and with an explicit serial the monitor takes the terminal alone.
  config = config_of({"-nographic", "-serial", "file:log"});
  CHECK(chardev(config, config.monitor_chardev).backend == ChardevConfig::Backend::Stdio);
  CHECK(config.monitor_chardev == "compat_monitor0");
  CHECK(error_of({"-nographic", "-serial", "stdio"}) ==
        "cannot use stdio by multiple character devices");
  CHECK(config_of({"-nographic", "-serial", "mon:stdio"}).serials.size() == 1);

  config = config_of({"-nodefaults"});
  CHECK(config.serials.empty());
  CHECK(config.monitor_chardev.empty());
  CHECK(config.chardevs.empty());

  config = config_of({"-display", "none"});
  REQUIRE(config.serials.size() == 1);
  CHECK(chardev(config, config.serials[0].chardev).backend == ChardevConfig::Backend::Null);
  CHECK(config.monitor_chardev.empty());
  CHECK(error_of({"-display", "sdl"}) ==
        "-display sdl: display 'sdl' is not supported (glasspc has no window yet; use -display "
        "none or -nographic)");
}

TEST_CASE("option -chardev backends and sharing with mux=on") {
  MachineConfig config =
      config_of({"-chardev", "file,id=log,path=a,,b.txt,append=on", "-serial", "chardev:log"});
  CHECK(chardev(config, "log").path == "a,b.txt");  // ",," is a comma
  CHECK(chardev(config, "log").append);
  CHECK(config.serials[0].chardev == "log");

  config = config_of({"-chardev", "stdio,id=c,mux=on,signal=off", "-serial", "chardev:c", "-device",
                      "isa-debugcon,chardev=c"});
  CHECK(chardev(config, "c").mux);
  CHECK_FALSE(chardev(config, "c").signal);
  REQUIRE(config.debugcons.size() == 1);
  CHECK(config.debugcons[0].chardev == "c");
  CHECK(config.debugcons[0].iobase == 0xe9);
  // -serial may name a chardev defined later on the command line.
  CHECK(config_of({"-serial", "chardev:n", "-chardev", "null,id=n"}).serials.size() == 1);
}

TEST_CASE("option -chardev errors") {
  CHECK(error_of({"-chardev", "socket,id=s"}) ==
        "-chardev socket,id=s: chardev backend 'socket' is not supported (glasspc has file, null "
        "and stdio)");
  CHECK(error_of({"-chardev", "stdio"}) == "-chardev stdio: parameter 'id' is required");
  CHECK(error_of({"-chardev", "file,id=f"}) == "-chardev file,id=f: parameter 'path' is required");
  CHECK(error_of({"-chardev", "null,id=a", "-chardev", "null,id=a"}) ==
        "-chardev null,id=a: duplicate chardev id 'a'");
  CHECK(error_of({"-chardev", "null,id=a,mux=maybe"}) ==
        "-chardev null,id=a,mux=maybe: parameter 'mux' expects on or off, not 'maybe'");
  CHECK(error_of({"-chardev", "null,id=a,logfile=x"}) ==
        "-chardev null,id=a,logfile=x: unknown parameter 'logfile' (accepted: id, mux)");
  CHECK(error_of({"-chardev", "null,id=n", "-serial", "chardev:n", "-device",
                  "isa-debugcon,chardev=n"}) ==
        "chardev 'n' is used by both COM1 and isa-debugcon (add mux=on to its -chardev to share "
        "it)");
  CHECK(error_of({"-device", "isa-debugcon,chardev=nope"}) ==
        "-device isa-debugcon,chardev=nope: chardev 'nope' not found");
}

TEST_CASE("option -device isa-debug-exit, isa-debugcon and isa-serial with QEMU's defaults") {
  MachineConfig config = config_of({"-device", "isa-debug-exit"});
  REQUIRE(config.debug_exits.size() == 1);
  CHECK(config.debug_exits[0].iobase == 0x501);
  CHECK(config.debug_exits[0].iosize == 2);
  config = config_of({"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"});
  CHECK(config.debug_exits[0].iobase == 0xf4);
  CHECK(config.debug_exits[0].iosize == 4);
  config = config_of({"-chardev", "null,id=d", "-device", "isa-debugcon,iobase=0x402,chardev=d"});
  CHECK(config.debugcons[0].iobase == 0x402);

  // isa-serial replaces the default COM1 and takes the first free port unless told.
  config = config_of({"-device", "isa-serial"});
  REQUIRE(config.serials.size() == 1);
  CHECK(config.serials[0].index == 0);
  CHECK(config.serials[0].chardev.empty());
  config = config_of({"-chardev", "null,id=n", "-serial", "null", "-device", "isa-serial,chardev=n",
                      "-device", "isa-serial,index=3"});
  REQUIRE(config.serials.size() == 3);
  CHECK(config.serials[1].index == 1);
  CHECK(config.serials[1].chardev == "n");
  CHECK(config.serials[2].index == 3);
}

TEST_CASE("option -device errors") {
  CHECK(error_of({"-device", "foo"}) ==
        "-device foo: 'foo' is not a valid device model name (use -device help)");
  CHECK(error_of({"-device", "isa-debug-exit,iobase=0x10000"}) ==
        "-device isa-debug-exit,iobase=0x10000: parameter 'iobase' must be at most 0xffff");
  CHECK(error_of({"-device", "isa-debug-exit,iosize=0"}) ==
        "-device isa-debug-exit,iosize=0: iosize must be at least 1 and end at or below port "
        "0xffff");
  CHECK(error_of({"-device", "isa-debug-exit,iobase=0xffff,iosize=2"}) ==
        "-device isa-debug-exit,iobase=0xffff,iosize=2: iosize must be at least 1 and end at or "
        "below port 0xffff");
  CHECK(error_of({"-device", "isa-debug-exit,foo=1"}) ==
        "-device isa-debug-exit,foo=1: unknown parameter 'foo' (accepted: iobase, iosize)");
  CHECK(error_of({"-device", "isa-debug-exit,iobase=1,iobase=2"}) ==
        "-device isa-debug-exit,iobase=1,iobase=2: parameter 'iobase' given twice");
  CHECK(error_of({"-device", "isa-debug-exit,=3"}) ==
        "-device isa-debug-exit,=3: empty parameter name");
  CHECK(error_of({"-device", "isa-debugcon"}) ==
        "-device isa-debugcon: parameter 'chardev' is required");
  CHECK(error_of({"-device", "isa-serial,index=4"}) ==
        "-device isa-serial,index=4: index must be 0 to 3 (COM1 to COM4)");
  CHECK(error_of({"-serial", "null", "-device", "isa-serial,index=0"}) ==
        "-device isa-serial,index=0: COM1 is already in use");
  CHECK(error_of({"-serial", "none", "-device", "isa-serial,index=0"}) ==
        "-device isa-serial,index=0: COM1 is already in use");
}

TEST_CASE("debug and glasspc options: -d, -D, -trace-format, -pacing, -no-reboot, -S") {
  const MachineConfig config = config_of({"-d", "port,irq", "-D", "trace.json", "-trace-format",
                                          "json", "-pacing", "fast", "-no-reboot", "-S"});
  CHECK(config.trace_mask ==
        (static_cast<u32>(TraceCategory::Port) | static_cast<u32>(TraceCategory::Irq)));
  CHECK(config.trace_file == "trace.json");
  CHECK(config.trace_format == TraceFormat::Json);
  CHECK(config.pacing == Pacing::Fast);
  CHECK(config.no_reboot);
  CHECK(config.start_stopped);
  CHECK(error_of({"-d", "bogus"}) == "-d: unknown trace category 'bogus' (try -d help)");
  CHECK(error_of({"-pacing", "slow"}) == "-pacing slow: expected realtime or fast");
  CHECK(error_of({"-trace-format", "xml"}) == "-trace-format xml: expected text or json");
  CHECK(error_of({"-S", "-nodefaults"}) ==
        "-S: there is no monitor to start the machine from (-nodefaults, -display none or "
        "-serial took it away; -serial mon:stdio brings it back)");
}

TEST_CASE("unknown options, missing arguments and stray words are errors") {
  CHECK(error_of({"-foo"}) == "-foo: invalid option (try --help)");
  CHECK(error_of({"--no-such-thing"}) == "--no-such-thing: invalid option (try --help)");
  CHECK(error_of({"-kernel"}) == "-kernel: requires an argument");
  CHECK(error_of({"disk.img"}) ==
        "disk.img: unexpected argument (options start with '-'; glasspc has no disk images yet)");
  CHECK(error_of({"-"}) ==
        "-: unexpected argument (options start with '-'; glasspc has no disk images yet)");
}

TEST_CASE("help requests print their list and stop parsing") {
  CHECK_THAT(printed_by({"--help"}), Catch::Contains("usage: glasspc [options]"));
  CHECK_THAT(printed_by({"-h"}), Catch::Contains("Character device options:"));
  CHECK(printed_by({"--version"}).starts_with("glasspc 0.1.0\n"));
  CHECK_THAT(printed_by({"-machine", "help"}), Catch::Contains("pc-i440fx-X.Y"));
  CHECK_THAT(printed_by({"-cpu", "help"}), Catch::Contains("qemu64"));
  CHECK_THAT(printed_by({"-device", "help"}), Catch::Contains("isa-debug-exit"));
  CHECK_THAT(printed_by({"-device", "isa-serial,help"}), Catch::Contains("index=0..3"));
  CHECK(printed_by({"-d", "help"}) == trace_category_help());
  CHECK_THAT(printed_by({"-chardev", "help"}), Catch::Contains("stdio"));
  CHECK_THAT(printed_by({"-serial", "help"}), Catch::Contains("file"));
  CHECK(printed_by({"-accel", "help"}) == "Accelerators supported in glasspc:\ntcg\n");
  CHECK(printed_by({"-display", "help"}) == "Available display backend types:\nnone\n");
  // An error before the help request is still reported.
  CHECK(error_of({"-m", "x", "--help"}) ==
        "-m x: expected a size in MiB or with a suffix K, M, G or T");
}

TEST_CASE("option -rtc base= takes utc, localtime or a fixed date") {
  CHECK(config_of({}).rtc.base == RtcConfig::Base::Utc);
  CHECK(config_of({"-rtc", "base=localtime"}).rtc.base == RtcConfig::Base::LocalTime);
  CHECK(config_of({"-rtc", "base=localtime", "-rtc", "utc"}).rtc.base == RtcConfig::Base::Utc);
  const RtcConfig fixed = config_of({"-rtc", "base=2006-06-17T16:01:21"}).rtc;
  CHECK(fixed.base == RtcConfig::Base::Fixed);
  CHECK(fixed.fixed_seconds == 1150560081);  // date -u -d 2006-06-17T16:01:21 +%s
  CHECK(config_of({"-rtc", "base=2000-02-29"}).rtc.fixed_seconds == 951782400);
  CHECK(config_of({"-rtc", "base=1970-01-01T00:00:00"}).rtc.fixed_seconds == 0);
}

TEST_CASE("option -rtc errors") {
  const std::string expected =
      ": base expects utc, localtime or a date as 2006-06-17T16:01:21 or 2006-06-17";
  CHECK(error_of({"-rtc", "base=tomorrow"}) == "-rtc base=tomorrow" + expected);
  CHECK(error_of({"-rtc", "base=2006-02-29"}) == "-rtc base=2006-02-29" + expected);
  CHECK(error_of({"-rtc", "base=2006-06-17T24:00:00"}) ==
        "-rtc base=2006-06-17T24:00:00" + expected);
  CHECK(error_of({"-rtc", "base=2006-6-17"}) == "-rtc base=2006-6-17" + expected);
  CHECK(error_of({"-rtc", "base=2006-06-17T16:01"}) == "-rtc base=2006-06-17T16:01" + expected);
  CHECK(error_of({"-rtc", "clock=vm"}).starts_with("-rtc clock=vm: "));
  CHECK(error_of({"-rtc"}) == "-rtc: requires an argument");
}
