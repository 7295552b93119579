// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import io.sluice.tsdb.labels.Utf8;
import java.util.Arrays;
import java.util.Objects;

/**
 * Replaces the labels of some series of a {@link WriteBatch}, as relabelling does after decoding.
 * The batch keeps describing labels as byte ranges of one buffer: the rewriter copies the decoded
 * body into a buffer of its own, appends the bytes of the labels it is given as strings after it,
 * and on {@link #commit} the batch reads every label from that buffer. A label taken over unchanged
 * keeps its range in the body, so only new names and values are encoded. Series that are not
 * rewritten keep their labels; rewritten ones are flagged {@link WriteBatch#labelsRewritten}, since
 * their raw bytes no longer hold their labels.
 *
 * <p>Use: {@link #begin}, then for the series to rewrite, in increasing order, {@link
 * #startSeries}, {@link #addOriginalLabel} and {@link #addLabel} in the order the labels must have,
 * {@link #endSeries}; then {@link #commit}. When no series is rewritten nothing is copied and the
 * batch is left as it is.
 *
 * <p>Not thread-safe: one per request context, with the batch it rewrites. Its buffer and arrays
 * grow to the largest request and are kept, so a rewrite allocates nothing in steady state.
 */
public final class LabelRewriter {
  private static final int INITIAL = 128;

  private WriteBatch batch;
  private byte[] buf = new byte[0];
  private int length;
  private boolean started;
  private int next;
  private int current = -1;
  private boolean[] rewritten = new boolean[16];

  // The labels being built, in the batch's layout; the four per-label arrays are exchanged with
  // the batch's on commit.
  int[] labelStart = new int[17];
  int[] nameOffset = new int[INITIAL];
  int[] nameLength = new int[INITIAL];
  int[] valueOffset = new int[INITIAL];
  int[] valueLength = new int[INITIAL];
  int labelTotal;

  /** Creates a rewriter with empty buffers. */
  public LabelRewriter() {}

  /** Starts rewriting {@code batch}, which must not change until {@link #commit}. */
  public void begin(WriteBatch batch) {
    this.batch = Objects.requireNonNull(batch, "batch");
    started = false;
    next = 0;
    current = -1;
    labelTotal = 0;
  }

  /**
   * Starts the new labels of {@code series}; the series before it not yet rewritten keep theirs.
   *
   * @throws IllegalStateException if a series is open, or {@code series} is not after the last one
   */
  public void startSeries(int series) {
    if (current >= 0) {
      throw new IllegalStateException("series " + current + " is still open");
    }
    Objects.checkIndex(series, batch.seriesCount());
    if (series < next) {
      throw new IllegalStateException("series " + series + " comes after " + (next - 1));
    }
    if (!started) {
      start();
    }
    keepUpTo(series);
    labelStart[series] = labelTotal;
    current = series;
  }

  /** Adds label {@code label} of the open series as the batch has it. */
  public void addOriginalLabel(int label) {
    int s = current;
    if (s < 0) {
      throw new IllegalStateException("no series open");
    }
    int l = batch.labelStartOf(s) + Objects.checkIndex(label, batch.labelCount(s));
    add(
        batch.rawNameOffset(l),
        batch.rawNameLength(l),
        batch.rawValueOffset(l),
        batch.rawValueLength(l));
  }

  /** Adds a label given as strings; their UTF-8 bytes are appended to the buffer. */
  public void addLabel(String name, String value) {
    if (current < 0) {
      throw new IllegalStateException("no series open");
    }
    int nameLen = Utf8.encodedLength(name);
    int valueLen = Utf8.encodedLength(value);
    ensureBuffer(length + nameLen + valueLen);
    int nameOff = length;
    length = Utf8.encode(name, buf, length);
    int valueOff = length;
    length = Utf8.encode(value, buf, length);
    add(nameOff, nameLen, valueOff, valueLen);
  }

  /** Ends the open series. */
  public void endSeries() {
    if (current < 0) {
      throw new IllegalStateException("no series open");
    }
    rewritten[current] = true;
    next = current + 1;
    labelStart[next] = labelTotal;
    current = -1;
  }

  /**
   * Installs the new labels in the batch; the series after the last rewritten one keep theirs. Does
   * nothing when no series was rewritten.
   */
  public void commit() {
    if (current >= 0) {
      throw new IllegalStateException("series " + current + " is still open");
    }
    if (!started) {
      return;
    }
    keepUpTo(batch.seriesCount());
    batch.installLabels(this, buf, length, rewritten);
    batch = null;
  }

  // The batch's arrays, for the next rewrite.
  void takeArrays(int[][] arrays) {
    nameOffset = arrays[0];
    nameLength = arrays[1];
    valueOffset = arrays[2];
    valueLength = arrays[3];
  }

  private void start() {
    started = true;
    int n = batch.seriesCount();
    int body = batch.bufferLength();
    ensureBuffer(body + body / 8);
    System.arraycopy(batch.buffer(), 0, buf, 0, body);
    length = body;
    if (labelStart.length < n + 1) {
      labelStart = new int[WriteBatch.grownLength(labelStart.length, n + 1)];
    }
    if (rewritten.length < n) {
      rewritten = new boolean[WriteBatch.grownLength(rewritten.length, n)];
    }
    labelStart[0] = 0;
  }

  // Copies the labels of series [next, end) unchanged.
  private void keepUpTo(int end) {
    for (int s = next; s < end; s++) {
      labelStart[s] = labelTotal;
      int from = batch.labelStartOf(s);
      for (int l = from, to = from + batch.labelCount(s); l < to; l++) {
        add(
            batch.rawNameOffset(l),
            batch.rawNameLength(l),
            batch.rawValueOffset(l),
            batch.rawValueLength(l));
      }
      rewritten[s] = false;
    }
    if (end > next) {
      next = end;
    }
    labelStart[next] = labelTotal;
  }

  private void add(int nameOff, int nameLen, int valueOff, int valueLen) {
    int l = labelTotal;
    if (l == nameOffset.length) {
      int n = WriteBatch.grownLength(l, l + 1);
      nameOffset = Arrays.copyOf(nameOffset, n);
      nameLength = Arrays.copyOf(nameLength, n);
      valueOffset = Arrays.copyOf(valueOffset, n);
      valueLength = Arrays.copyOf(valueLength, n);
    }
    nameOffset[l] = nameOff;
    nameLength[l] = nameLen;
    valueOffset[l] = valueOff;
    valueLength[l] = valueLen;
    labelTotal = l + 1;
  }

  private void ensureBuffer(int capacity) {
    if (buf.length < capacity) {
      buf = Arrays.copyOf(buf, WriteBatch.grownLength(buf.length, capacity));
    }
  }
}
