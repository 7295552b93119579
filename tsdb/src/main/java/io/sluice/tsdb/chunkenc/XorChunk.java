// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

/**
 * A growable XOR chunk (encoding 1) with its appender state, byte-identical to Prometheus' {@code
 * XORChunk} written in one pass, including the spill byte (see {@link XorChunkFormat}). The
 * stand-alone, public form of {@link XorAppender}.
 *
 * <p>Values are raw IEEE-754 bits and are stored bit-exactly: NaN payloads such as the stale marker
 * {@code 0x7ff0000000000002} survive. Timestamps are milliseconds; the chunk does not check their
 * order, the head does.
 *
 * <p>Not thread-safe: the owner serializes {@link #append} and {@link #bytes}. Appending allocates
 * only when the internal array grows.
 */
public final class XorChunk extends XorAppender {
  private static final int CAPACITY = 128;

  /** Creates an empty chunk. */
  public XorChunk() {
    super(CAPACITY);
  }

  /**
   * Appends a sample.
   *
   * @param t timestamp in milliseconds
   * @param valueBits raw IEEE-754 bits of the value ({@link Double#doubleToRawLongBits})
   * @throws IllegalStateException if the chunk already holds {@link XorChunkFormat#MAX_SAMPLES}
   */
  public void append(long t, long valueBits) {
    xorAppend(t, valueBits);
  }

  /** Number of samples appended since creation or the last {@link #reset}. */
  public int numSamples() {
    return xorNumSamples();
  }

  /** Timestamp of the last sample in ms; undefined when the chunk is empty. */
  public long lastTimestamp() {
    return xorLastTimestamp();
  }

  /** Raw value bits of the last sample; undefined when the chunk is empty. */
  public long lastValueBits() {
    return xorLastValueBits();
  }

  /** Current size of the chunk bytes, as {@link #bytes()} would return them. */
  public int sizeBytes() {
    return xorSizeBytes();
  }

  /** Returns a new array with the chunk bytes exactly as Prometheus' {@code Bytes()} would. */
  public byte[] bytes() {
    return xorBytes();
  }

  /** Empties the chunk, keeping its internal array for reuse. */
  public void reset() {
    xorReset();
  }

  /**
   * Returns an iterator over XOR chunk bytes. The iterator reads {@code data} in place; the caller
   * must not change that range while iterating.
   *
   * @throws MalformedChunkException if the range is shorter than the header
   */
  public static XorIterator iterator(byte[] data, int off, int len) {
    return new XorIterator(data, off, len);
  }
}
