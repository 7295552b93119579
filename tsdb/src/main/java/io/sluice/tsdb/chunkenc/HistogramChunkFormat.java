// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.record.HistogramSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * The native histogram chunk formats of Prometheus, chunk encodings 2 (integer histograms) and 3
 * (float histograms), as written by Prometheus 2.42 ({@code tsdb/chunkenc/histogram.go}, {@code
 * float_histogram.go}, {@code histogram_meta.go}, {@code varbit.go}, {@code bstream.go}).
 *
 * <p>Reference: {@code shared/reference/prometheus-formats.md} §3.7. Bit fields are written MSB
 * first, through the same bit writer as XOR chunks (whole bytes first, so the spill byte of §3.4
 * appears here too).
 *
 * <pre>
 * chunk       = count flags layout sample0 *sample
 * count       = uint16 BE                  ; number of samples
 * flags       = 1 byte                     ; top 2 bits: counter reset header (below), rest 0
 * layout      = zero-threshold schema:varbit-int spans(positive) spans(negative)
 *               ; written with the first sample, as it decides the chunk's layout
 * zero-threshold = 0x00                    ; 0
 *             / byte 1..254                ; 2^(byte - 244): a power of two 2^-243 .. 2^10
 *             / 0xFF float64               ; anything else
 * spans       = n:varbit-uint *( length:varbit-uint offset:varbit-int )
 * ; encoding 2, integer histograms; buckets are the deltas between adjacent buckets
 * sample0     = t:varbit-int count:varbit-uint zero:varbit-uint sum:64 bits *bucket:varbit-int
 * sample      = dod(t) dod(count) dod(zero) xor(sum) *dod(bucket)      ; all dods varbit-int
 * ; encoding 3, float histograms; buckets are absolute counts
 * sample0     = t:varbit-int count:64 zero:64 sum:64 *bucket:64 bits
 * sample      = dod(t):varbit-int xor(count) xor(zero) xor(sum) *xor(bucket)
 * </pre>
 *
 * <p>Buckets are listed positive first, then negative, as many as the layout's spans hold. The
 * second sample's dods are its deltas (the previous delta starts at 0). {@code xor} is the XOR
 * chunk's value encoding ({@link XorChunkFormat}); integer chunks keep one window for the sum,
 * float chunks one per field and bucket. A sample whose sum is the stale marker {@code
 * 0x7ff0000000000002} writes no buckets (and, in integer chunks, dods of 0 for both counts); after
 * one, only stale samples follow in the chunk.
 *
 * <p>Counter reset header: {@code 10} the chunk starts at a counter reset, {@code 01} it certainly
 * does not, {@code 00} unknown, {@code 11} the chunk holds gauge histograms. A change of schema or
 * zero threshold, a bucket that disappears, a count that decreases (for counters) and a non-stale
 * sample after a stale one all start a new chunk; buckets that appear are added to the layout by
 * re-encoding the chunk.
 *
 * <p>On disk and in the StoreAPI, the CRC of a chunk is CRC32C over the encoding byte followed by
 * the chunk bytes.
 */
public final class HistogramChunkFormat {
  /** Chunk encoding byte of integer histogram chunks. */
  public static final byte ENCODING = 2;

  /** Chunk encoding byte of float histogram chunks. */
  public static final byte FLOAT_ENCODING = 3;

  /** Length of the sample count and flags header in bytes. */
  public static final int HEADER_SIZE = 3;

  /** Counter reset header: unknown whether the chunk starts at a counter reset. */
  public static final byte UNKNOWN_COUNTER_RESET = 0;

  /** Counter reset header: the chunk certainly does not start at a counter reset. */
  public static final byte NOT_COUNTER_RESET = 0b0100_0000;

  /** Counter reset header: the chunk starts at a counter reset. */
  public static final byte COUNTER_RESET = (byte) 0b1000_0000;

  /** Counter reset header: the chunk holds gauge histograms. */
  public static final byte GAUGE = (byte) 0b1100_0000;

  /** Raw bits of the stale marker NaN, which histograms carry as their sum. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  private HistogramChunkFormat() {}

  /** The counter reset header bits of chunk bytes (one of the four constants). */
  public static byte counterResetHeader(byte[] chunk, int off) {
    return (byte) (chunk[off + 2] & 0xC0);
  }

  static void writeLayout(
      BitWriter b,
      int schema,
      double zeroThreshold,
      List<HistogramSpan> positive,
      List<HistogramSpan> negative) {
    writeZeroThreshold(b, zeroThreshold);
    Varbit.putInt(b, schema);
    writeSpans(b, positive);
    writeSpans(b, negative);
  }

  private static void writeSpans(BitWriter b, List<HistogramSpan> spans) {
    Varbit.putUint(b, spans.size());
    for (HistogramSpan s : spans) {
      Varbit.putUint(b, s.length());
      Varbit.putInt(b, s.offset());
    }
  }

  static List<HistogramSpan> readSpans(BitReader r) {
    long n = r.readVarbitUint();
    if (n < 0 || n > Integer.MAX_VALUE) {
      throw new MalformedChunkException("histogram chunk: " + Long.toUnsignedString(n) + " spans");
    }
    List<HistogramSpan> spans = new ArrayList<>((int) Math.min(n, 64));
    for (long i = 0; i < n; i++) {
      long length = r.readVarbitUint() & 0xFFFF_FFFFL;
      int offset = (int) r.readVarbitInt();
      spans.add(new HistogramSpan(offset, length));
    }
    return spans;
  }

  // Prometheus' putZeroThreshold: 0, a power of two 2^-243..2^10 in one byte, or 0xff + float64.
  private static void writeZeroThreshold(BitWriter b, double threshold) {
    if (threshold == 0) {
      b.writeByte(0);
      return;
    }
    long bits = Double.doubleToRawLongBits(threshold);
    int exponent = Math.getExponent(threshold);
    boolean powerOfTwo =
        threshold > 0 && (bits & 0x000F_FFFF_FFFF_FFFFL) == 0 && !Double.isInfinite(threshold);
    // Go's Frexp gives threshold = 0.5 * 2^exp, so exp = exponent + 1, stored as exp + 243.
    if (!powerOfTwo || exponent + 1 < -242 || exponent + 1 > 11) {
      b.writeByte(0xFF);
      b.writeBits(bits, 64);
      return;
    }
    b.writeByte(exponent + 1 + 243);
  }

  static double readZeroThreshold(BitReader r) {
    int b = (int) r.readBits(8);
    return switch (b) {
      case 0 -> 0.0;
      case 0xFF -> Double.longBitsToDouble(r.readBits(64));
      default -> Math.scalb(0.5, b - 243);
    };
  }

  static int countBuckets(List<HistogramSpan> spans) {
    long n = 0;
    for (HistogramSpan s : spans) {
      n += s.length();
    }
    if (n > Integer.MAX_VALUE) {
      throw new MalformedChunkException("histogram chunk: spans of " + n + " buckets");
    }
    return (int) n;
  }

  static boolean isStale(double sum) {
    return Double.doubleToRawLongBits(sum) == STALE_NAN_BITS;
  }

  /** The counter reset hint of the {@code numRead}-th (1-based) sample of a chunk. */
  static byte hint(byte header, int numRead) {
    if (header == GAUGE) {
      return 3;
    }
    if (numRead > 1) {
      return 2;
    }
    return header == COUNTER_RESET ? (byte) 1 : (byte) 0;
  }
}
