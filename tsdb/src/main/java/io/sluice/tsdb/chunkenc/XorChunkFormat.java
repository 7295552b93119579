// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

/**
 * The XOR ("Gorilla") chunk format of Prometheus, chunk encoding 1, as written by Prometheus 2.42
 * ({@code tsdb/chunkenc/xor.go}, {@code bstream.go}) and read by every Prometheus and Thanos.
 *
 * <p>Reference: {@code shared/reference/prometheus-formats.md} §3. Bit fields are written MSB first
 * within each byte; multi-byte integers are big-endian.
 *
 * <pre>
 * chunk      = count t0 v0 [ delta1 xor1 *( dod xor ) ] padding
 * count      = uint16 BE                    ; number of samples, 0..65535
 * t0         = varint                       ; zigzag LEB128 of the first timestamp (ms)
 * v0         = 64 bits                      ; raw IEEE-754 bits of the first value
 * delta1     = uvarint                      ; t1 - t0
 * dod        = "0"                          ; delta of delta == 0
 *            / "10"   14 bits               ; -8191 .. 8192
 *            / "110"  17 bits               ; -65535 .. 65536
 *            / "1110" 20 bits               ; -524287 .. 524288
 *            / "1111" 64 bits               ; anything else, two's complement
 * xor        = "0"                          ; value bits equal to the previous value's
 *            / "1" "0" payload(window)      ; x = bits(v) ^ bits(prev) fits the current window
 *            / "1" "1" lead:5 sig:6 payload ; new window; sig 64 is written as 0
 * padding    = zero bits up to the next byte boundary, plus the spill byte (below)
 * </pre>
 *
 * <p>dod = (t<sub>n</sub> - t<sub>n-1</sub>) - (t<sub>n-1</sub> - t<sub>n-2</sub>). A bucket of n
 * bits holds -(2<sup>n-1</sup> - 1) .. 2<sup>n-1</sup> (asymmetric); the reader subtracts
 * 2<sup>n</sup> from a payload above 2<sup>n-1</sup>. For the XOR x: the leading zero count L is
 * capped at 31, T is the trailing zero count. The window (L, T) of the previous {@code 11} form is
 * reused ({@code 10} form, 64 - L<sub>w</sub> - T<sub>w</sub> payload bits) when it exists and L
 * &ge; L<sub>w</sub> and T &ge; T<sub>w</sub>. Every chunk starts without a window.
 *
 * <p><b>Spill byte.</b> Prometheus' bit writer writes whole bytes first and always appends a new
 * byte after a whole-byte write. When a chunk ends on a byte boundary right after such a write, its
 * bytes carry one extra trailing {@code 0x00} (a one-sample chunk is 2 + len(t0) + 8 + 1 bytes).
 * {@link XorChunk} reproduces this, so its bytes are identical to Prometheus'; readers use {@code
 * count} and never the length.
 *
 * <p>On disk and in the StoreAPI, the CRC of a chunk is CRC32C over the encoding byte followed by
 * the chunk bytes.
 */
public final class XorChunkFormat {
  /** Chunk encoding byte of XOR chunks. */
  public static final byte ENCODING = 1;

  /** Largest sample count the uint16 header can hold. */
  public static final int MAX_SAMPLES = 0xFFFF;

  /** Length of the sample count header in bytes. */
  public static final int HEADER_SIZE = 2;

  private XorChunkFormat() {}
}
