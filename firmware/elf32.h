// ELF32 i386 executables as multiboot kernels.
//
// A multiboot kernel without the header's address fields must be an ELF32 executable for the
// Intel 386 (Multiboot Specification 0.6.96, 3.1.3: "the boot loader uses the ELF header");
// its PT_LOAD segments are placed at their physical addresses (p_paddr), as QEMU does, with the
// bytes past p_filesz zeroed (bss). Field offsets follow the System V ABI, "Object Files"
// (ELF header and program header tables).
#pragma once

#include <span>
#include <string_view>

#include "bus/types.h"
#include "firmware/load_plan.h"

namespace glasspc::firmware {

bool has_elf_magic(std::span<const u8> image);

// The segments and entry point of the ELF32 kernel at `path`. Throws LoadError naming the
// problem: not ELF, 64-bit, big-endian, not i386, not an executable, program headers or
// segment bytes beyond the end of the file, p_filesz > p_memsz, a segment past 4 GiB, or no
// loadable segment at all.
LoadPlan elf32_load_plan(std::span<const u8> image, std::string_view path);

}  // namespace glasspc::firmware
