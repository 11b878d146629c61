#!/usr/bin/env python3
"""Expected checksums of the SIMD/FP/SHA benchmark kernels, computed independently on the host.

    bench/cpu/reference.py [KERNEL...]

Each kernel in bench/cpu/ that defines BENCH_EXPECT checks its result against the value printed
here; the models follow the kernels' algorithms step by step (same data, same operation order,
IEEE double arithmetic where the kernel uses SSE2 or the x87 at double precision)."""
import hashlib
import math
import struct
import sys

M32 = 0xFFFFFFFF


def lcg_words(count, x=0x12345678):
    """The fill pattern of the kernels: x, x * 1103515245 + 12345, ... (32-bit)."""
    out = []
    for _ in range(count):
        out.append(x)
        x = (x * 1103515245 + 12345) & M32
    return out


def sha256():
    size, rounds = 1024 * 1024, 40
    buf = bytearray(struct.pack(f"<{size // 4}I", *lcg_words(size // 4)))
    check = 0
    for _ in range(rounds):
        digest = hashlib.sha256(buf).digest()
        buf[0:32] = digest
        check = 0
        for k in range(8):
            check ^= int.from_bytes(digest[4 * k:4 * k + 4], "big")
    return check


def sse_memcpy():
    sizes, misalign = [64, 512, 4096, 65536, 1024 * 1024], 5
    src_size = 1024 * 1024 + 64
    src = struct.pack(f"<{src_size // 4}I", *lcg_words(src_size // 4))
    check = 0
    for size in sizes:
        for start in (0, misalign):  # the aligned, then the misaligned copy's destination
            for (word,) in struct.iter_unpack("<I", src[start:start + size]):
                check = (check * 31 + word) & M32
    return check


def sse_strlen():
    strings, rounds = 16384, 768
    lengths, x = [], 0x12345678
    for _ in range(strings):
        x = (x * 1103515245 + 12345) & M32
        lengths.append(x >> 24)
    check = 0
    for _ in range(rounds):
        for n in lengths:
            check = (check * 31 + n) & M32
    return check


def double_bits(value):
    (bits,) = struct.unpack("<Q", struct.pack("<d", value))
    return (bits & M32) ^ (bits >> 32)


def fp_double():
    points, h = 16 * 1024 * 1024, 2.0 ** -16
    coef = [-2.25, 1.5, -0.375, 0.75, 0.0625, -0.125, 0.25, -0.5, 1.0]  # c8 .. c0
    sums, scalar = [0.0, 0.0], 0.0
    for i in range(points):
        x = float(i) * h
        p = coef[0]
        for c in coef[1:]:
            p = p * x + c
        sums[i & 1] += p / math.sqrt(x + 1.0)
        if i & 1 == 0:
            scalar += 1.0 / (x * x + 1.0)
    return double_bits(sums[0] + sums[1] + scalar)


def x87_mandel():
    width, height, max_iter = 640, 320, 256
    check = 0
    for py in range(height):
        ci = float(py) * 0.0078125 + -1.25
        for px in range(width):
            cr = float(px) * 0.00390625 + -2.0
            zr = zi = 0.0
            n = 0
            while n < max_iter:
                zr2, zi2 = zr * zr, zi * zi
                if zr2 + zi2 > 4.0:
                    break
                zr, zi = (zr2 - zi2) + cr, (zr * zi) * 2.0 + ci
                n += 1
            check = (check * 31 + n) & M32
    return check


KERNELS = {"sse_memcpy": sse_memcpy, "sse_strlen": sse_strlen, "sha256": sha256,
           "fp_double": fp_double, "x87_mandel": x87_mandel}

if __name__ == "__main__":
    for name in sys.argv[1:] or KERNELS:
        print(f"{name} 0x{KERNELS[name]():08x}")
