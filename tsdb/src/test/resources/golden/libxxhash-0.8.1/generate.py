# SPDX-License-Identifier: Apache-2.0
# Writes xxh64.tsv: XXH64(seed 0) of prefixes of xxHash's sanity buffer, computed by libxxhash.
import ctypes

lib = ctypes.CDLL("libxxhash.so.0")
lib.XXH64.restype = ctypes.c_uint64
lib.XXH64.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]

PRIME32 = 2654435761
PRIME64 = 11400714785074694797
LENGTHS = list(range(0, 101)) + [127, 128, 129, 1023, 1024, 1025, 2047, 4109, 10000]

gen = PRIME32
buf = bytearray()
for _ in range(max(LENGTHS)):
    buf.append(gen >> 56)
    gen = (gen * PRIME64) & (2**64 - 1)

with open("xxh64.tsv", "w") as out:
    out.write("# SPDX-License-Identifier: Apache-2.0\n")
    out.write("# length\txxh64 (hex, seed 0) of the first `length` bytes of the sanity buffer\n")
    for n in LENGTHS:
        out.write("%d\t%016x\n" % (n, lib.XXH64(bytes(buf[:n]), n, 0)))
