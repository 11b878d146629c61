#include "frontend/usage.h"

#include <fmt/format.h>

#include <array>

#include "cpu/cpu_model.h"

namespace glasspc {

namespace {

constexpr std::array kDeviceModels = {
    Offering{"isa-debug-exit",
             "iobase=PORT (default 0x501), iosize=N (default 0x2): writing v exits with status "
             "(v << 1) | 1"},
    Offering{"isa-debugcon", "iobase=PORT (default 0xe9), chardev=ID: port writes go to ID"},
    Offering{"isa-serial",
             "chardev=ID, index=0..3 (COM1..COM4; default: the first free one), timing=on|off "
             "(default off: the host takes each character at once, as on QEMU; on: characters "
             "leave at the programmed baud rate): a 16550A UART"},
    Offering{"pc-testdev",
             "no options: QEMU's ISA test device (scratch ports 0xe0-0xe3 and 0xe8-0xeb, "
             "page flush 0xe4, IRQ line n driven by port 0x2000+n, 64 KiB of MMIO memory at "
             "0xff000000)"},
    Offering{"pci-testdev",
             "msi=on|off (default on: glasspc's MSI and MSI-X extension in BAR4, which QEMU's "
             "device lacks): QEMU's PCI test device 1b36:0005 (BAR0 MMIO and BAR1 I/O tests)"},
};

constexpr std::string_view kUsage = R"(usage: glasspc [options]

glasspc is a see-through x86 PC emulator; its options are spelled as QEMU's.

Standard options:
-h, --help      display this help and exit
--version       display version information and exit
-machine [type=]name[,accel=tcg]
-M name         select the emulated machine ('-machine help' for the list)
-cpu model[,freq=HZ]
                select the CPU model ('-cpu help' lists the models and their features:
                max (default), v2, base); freq= sets the clock that turns cycles into
                virtual time (suffixes k, M, G)
-accel tcg[,jit=on|off]
                select the accelerator (glasspc has only its own, spelled tcg); jit=on
                (default on x86-64 hosts) compiles hot blocks to host code, jit=off only
                interprets; both give identical results and instruction counts
-smp [cpus=]n[,quantum=K]
                number of virtual CPUs, 1 to 64; they run one after another in turns of
                at most K CPU cycles (default 20000), in a fixed order, so SMP runs are
                deterministic; PAUSE and HLT end a turn early
-m [size=]megs  guest RAM; a plain number is in MiB, or use a suffix K, M, G or T
                (default 128M)
-nodefaults     do not create the default serial port and monitor
-no-reboot      exit instead of rebooting (also on a triple fault)
-S              start stopped: 'cont' in the monitor (Ctrl-A c) starts the CPUs
-rtc base=utc|localtime|date
                start the real-time clock at the host's time in UTC (default) or in its
                time zone, or at a fixed date ('2006-06-17T16:01:21' or '2006-06-17');
                the clock then runs on virtual time

Boot options:
-kernel file    boot 'file' directly: a Linux bzImage or a multiboot kernel
-append cmdline use 'cmdline' as the kernel command line
-initrd file    the Linux initial RAM disk; for a multiboot kernel
-initrd "file1[ args][,file2[ args]]"
                its modules, each with its own command line (',,' escapes a comma)
-bios file      the ROM image mapped below 4 GiB (a multiple of 64 KiB); with -kernel the
                kernel still boots directly and the ROM is only mapped

Character device options:
-chardev help   list the backends
-chardev null,id=id[,mux=on|off]
-chardev stdio,id=id[,mux=on|off][,signal=on|off]
-chardev file,id=id,path=path[,append=on|off][,mux=on|off]
-serial dev     connect the next COM port (COM1..COM4) to 'dev': stdio, null, none,
                file:path, chardev:id, or mon:stdio (shared with the monitor)

Devices:
-device help    list the devices
-device isa-debug-exit[,iobase=0x501][,iosize=0x2]
-device isa-debugcon,chardev=id[,iobase=0xe9]
-device isa-serial[,chardev=id][,index=n][,timing=on|off]
-device pc-testdev
-device pci-testdev[,msi=on|off]

Display options:
-display none   no display: as on QEMU, the default serial port's output is discarded and
                there is no monitor (add -serial stdio to see the guest)
-nographic      the default serial port and the monitor share the terminal (mon:stdio);
                with another -serial the monitor has the terminal to itself. glasspc has
                no window yet, so without -display the defaults share the terminal too
                (and a -serial without mon: leaves the monitor out).
                On a shared terminal: Ctrl-A h lists the escape keys, Ctrl-A x quits,
                Ctrl-A c switches between the serial port and the monitor

Debug options:
-d item1,...    trace the listed categories ('-d help' for the list)
-D logfile      write the trace to logfile (default stderr)
-trace-format text|json
                trace as text lines or as Chrome/Perfetto JSON (default text)
-pacing realtime|fast
                realtime: virtual time never runs ahead of the host clock (default);
                fast: idle time is skipped, as fast as the host allows

Every option may also be spelled with two dashes (--kernel).
)";

std::string list(std::string_view title, std::span<const Offering> items, int width) {
  std::string out = fmt::format("{}\n", title);
  for (const auto& item : items) out += fmt::format("{:<{}} {}\n", item.name, width, item.help);
  return out;
}

}  // namespace

std::span<const Offering> device_models() {
  return kDeviceModels;
}

std::string usage_text() {
  return std::string(kUsage);
}

std::string version_text() {
  return fmt::format("glasspc {}\nA see-through x86 PC emulator.\n", kVersion);
}

std::string machine_help() {
  return "Supported machines are:\n"
         "pc                   Standard PC (i440FX + PIIX, 1996) (default)\n"
         "pc-i440fx-X.Y        the same board; glasspc models no differences between\n"
         "                     QEMU's versioned machines\n";
}

std::string cpu_model_help() {
  std::string out = "Available CPUs:\n";
  for (const CpuModel& model : cpu_models()) {
    out += fmt::format("{:<8} {}\n         features: {}\n", model.name, model.description,
                       cpu_feature_names(model));
  }
  out += "Aliases: glasspc and qemu64 select max.\n";
  return out;
}

std::string device_help() {
  return list("Devices (-device NAME[,PARAM=VALUE...]):", kDeviceModels, 15);
}

std::string device_property_help(std::string_view device) {
  for (const auto& item : kDeviceModels)
    if (item.name == device) return fmt::format("{} options: {}\n", item.name, item.help);
  return {};
}

std::string chardev_help() {
  return "Available chardev backend types:\n"
         "  file\n"
         "  null\n"
         "  stdio\n";
}

std::string accel_help() {
  return "Accelerators supported in glasspc:\ntcg\n";
}

std::string display_help() {
  return "Available display backend types:\nnone\n";
}

}  // namespace glasspc
