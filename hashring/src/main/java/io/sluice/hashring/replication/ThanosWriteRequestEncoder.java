// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.ThanosWriteFormat;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.tsdb.encoding.Varint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the forwarded {@code thanos.WriteRequest} ({@link ThanosWriteFormat}) of a {@link
 * WriteRequest} in the legacy single-tenant form that Thanos v0.42 and later read: field 1 once per
 * series, field 2 the tenant, field 3 the replica (omitted when 0, as proto3 does), in field order.
 *
 * <p>Series of a {@link RemoteWriteVersion#V1} batch are copied as the raw bytes of their {@code
 * prometheus.TimeSeries} (exemplars, histograms and unknown fields included): that message has the
 * layout of Thanos' {@code prometheus_copy.TimeSeries}. A V1 series whose labels are not those of
 * its raw bytes — its split-tenant label is left out, or relabelling changed them ({@link
 * WriteBatch#labelsRewritten}) — gets its labels encoded from the batch, followed by every other
 * field of its raw bytes as they are. Series of a V2 batch are re-encoded from their resolved
 * labels (empty strings omitted), float samples (both fields always written, so that {@code -0.0}
 * and NaN payloads survive), exemplars ({@code prometheus_copy.Exemplar}: labels, value and
 * timestamp, likewise) and native histograms, copied as the raw bytes of their {@code
 * io.prometheus.write.v2.Histogram}: fields 1–16 of that message are those of {@code
 * prometheus_copy.Histogram}, and a reader skips what it does not know (17, the start time).
 *
 * <p>Not thread-safe: one encoder per thread. The buffer grows to the largest message and is kept;
 * in steady state an encode allocates nothing (a new tenant name costs its UTF-8 bytes once).
 */
public final class ThanosWriteRequestEncoder {
  private static final int SERIES_TAG = ThanosWriteFormat.WRITE_REQUEST_TIMESERIES;
  private static final int LABEL_TAG = (1 << 3) | 2;
  private static final int SAMPLE_TAG = (2 << 3) | 2;
  private static final int NAME_TAG = (1 << 3) | 2;
  private static final int VALUE_TAG = (2 << 3) | 2;
  private static final int SAMPLE_VALUE_TAG = (1 << 3) | 1;
  private static final int SAMPLE_TIMESTAMP_TAG = 2 << 3;
  private static final int EXEMPLAR_TAG = (3 << 3) | 2;
  private static final int EXEMPLAR_VALUE_TAG = (2 << 3) | 1;
  private static final int EXEMPLAR_TIMESTAMP_TAG = 3 << 3;
  private static final int HISTOGRAM_TAG = (4 << 3) | 2;

  private byte[] buf = new byte[4096];
  private int length;
  private int[] seriesLengths = new int[64];
  private String tenant = "";
  private byte[] tenantBytes = new byte[0];

  /** Creates an encoder. */
  public ThanosWriteRequestEncoder() {}

  /**
   * Encodes {@code request} into {@link #buffer()}.
   *
   * @return the message length in bytes, also {@link #length()}
   */
  public int encode(WriteRequest request) {
    WriteBatch b = request.batch();
    boolean raw = b.version() == RemoteWriteVersion.V1;
    boolean relabelled = b.anyLabelsRewritten();
    int n = request.seriesCount();
    if (seriesLengths.length < n) {
      seriesLengths = new int[Math.max(n, seriesLengths.length * 2)];
    }
    if (!request.tenant().equals(tenant)) {
      tenant = request.tenant();
      tenantBytes = tenant.getBytes(StandardCharsets.UTF_8);
    }
    long total = 0;
    for (int i = 0; i < n; i++) {
      int s = request.series(i);
      // A series whose split-tenant label must go, or whose labels were relabelled, gets its labels
      // encoded again.
      int skip = request.skippedLabel(i);
      int len =
          !raw
              ? seriesSize(b, s, skip)
              : skip < 0 && !(relabelled && b.labelsRewritten(s))
                  ? b.seriesLength(s)
                  : labelsSize(b, s, skip) + otherFieldsSize(b, s);
      seriesLengths[i] = len;
      total += 1 + varintSize(len) + len;
    }
    if (tenantBytes.length > 0) {
      total += 1 + varintSize(tenantBytes.length) + tenantBytes.length;
    }
    long replica = request.replica();
    if (replica != 0) {
      total += 1 + varint64Size(replica);
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("forward message of " + total + " bytes is too large");
    }
    if (buf.length < total) {
      buf = new byte[(int) Math.max(total, Math.min(2L * buf.length, Integer.MAX_VALUE - 8))];
    }
    int p = 0;
    byte[] src = b.buffer();
    for (int i = 0; i < n; i++) {
      int s = request.series(i);
      buf[p++] = (byte) SERIES_TAG;
      p = putVarint(buf, p, seriesLengths[i]);
      int skip = request.skippedLabel(i);
      if (!raw) {
        p = putSeries(b, s, p, skip);
      } else if (skip < 0 && !(relabelled && b.labelsRewritten(s))) {
        System.arraycopy(src, b.seriesOffset(s), buf, p, seriesLengths[i]);
        p += seriesLengths[i];
      } else {
        p = putLabels(b, s, p, skip);
        p = putOtherFields(b, s, p);
      }
    }
    if (tenantBytes.length > 0) {
      buf[p++] = (byte) ThanosWriteFormat.WRITE_REQUEST_TENANT;
      p = putVarint(buf, p, tenantBytes.length);
      System.arraycopy(tenantBytes, 0, buf, p, tenantBytes.length);
      p += tenantBytes.length;
    }
    if (replica != 0) {
      buf[p++] = (byte) ThanosWriteFormat.WRITE_REQUEST_REPLICA;
      p = putVarint64(buf, p, replica);
    }
    length = p;
    return p;
  }

  /** {@return the encoded message: the first {@link #length()} bytes; reused by the next encode} */
  public byte[] buffer() {
    return buf;
  }

  /** {@return the length of the last encoded message} */
  public int length() {
    return length;
  }

  /** {@return a copy of the last encoded message} */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, length);
  }

  // ---- Re-encoding a V2 series as prometheus_copy.TimeSeries ----

  private static int labelSize(WriteBatch b, int s, int l) {
    int name = b.labelNameLength(s, l);
    int value = b.labelValueLength(s, l);
    return (name > 0 ? 1 + varintSize(name) + name : 0)
        + (value > 0 ? 1 + varintSize(value) + value : 0);
  }

  private static int sampleSize(long timestamp) {
    return 1 + 8 + 1 + varint64Size(timestamp);
  }

  private static int labelsSize(WriteBatch b, int s, int skip) {
    int size = 0;
    for (int l = 0, n = b.labelCount(s); l < n; l++) {
      if (l == skip) {
        continue;
      }
      int ls = labelSize(b, s, l);
      size += 1 + varintSize(ls) + ls;
    }
    return size;
  }

  private static int seriesSize(WriteBatch b, int s, int skip) {
    int size = labelsSize(b, s, skip);
    for (int i = 0, n = b.sampleCount(s); i < n; i++) {
      int ss = sampleSize(b.sampleTimestamp(s, i));
      size += 1 + varintSize(ss) + ss;
    }
    for (int i = 0, n = b.exemplarCount(s); i < n; i++) {
      int es = exemplarSize(b, s, i);
      size += 1 + varintSize(es) + es;
    }
    for (int i = 0, n = b.histogramCount(s); i < n; i++) {
      int hs = b.histogramLength(s, i);
      size += 1 + varintSize(hs) + hs;
    }
    return size;
  }

  private static int exemplarLabelSize(WriteBatch b, int s, int i, int l) {
    int name = b.exemplarLabelNameLength(s, i, l);
    int value = b.exemplarLabelValueLength(s, i, l);
    return (name > 0 ? 1 + varintSize(name) + name : 0)
        + (value > 0 ? 1 + varintSize(value) + value : 0);
  }

  private static int exemplarSize(WriteBatch b, int s, int i) {
    int size = 1 + 8 + 1 + varint64Size(b.exemplarTimestamp(s, i));
    for (int l = 0, n = b.exemplarLabelCount(s, i); l < n; l++) {
      int ls = exemplarLabelSize(b, s, i, l);
      size += 1 + varintSize(ls) + ls;
    }
    return size;
  }

  private int putExemplars(WriteBatch b, int s, int p) {
    byte[] src = b.buffer();
    for (int i = 0, n = b.exemplarCount(s); i < n; i++) {
      buf[p++] = (byte) EXEMPLAR_TAG;
      p = putVarint(buf, p, exemplarSize(b, s, i));
      for (int l = 0, m = b.exemplarLabelCount(s, i); l < m; l++) {
        buf[p++] = (byte) LABEL_TAG;
        p = putVarint(buf, p, exemplarLabelSize(b, s, i, l));
        p =
            putString(
                buf,
                p,
                NAME_TAG,
                src,
                b.exemplarLabelNameOffset(s, i, l),
                b.exemplarLabelNameLength(s, i, l));
        p =
            putString(
                buf,
                p,
                VALUE_TAG,
                src,
                b.exemplarLabelValueOffset(s, i, l),
                b.exemplarLabelValueLength(s, i, l));
      }
      buf[p++] = (byte) EXEMPLAR_VALUE_TAG;
      long bits = b.exemplarValueBits(s, i);
      for (int k = 0; k < 8; k++) {
        buf[p++] = (byte) (bits >>> (8 * k));
      }
      buf[p++] = (byte) EXEMPLAR_TIMESTAMP_TAG;
      p = putVarint64(buf, p, b.exemplarTimestamp(s, i));
    }
    return p;
  }

  private int putLabels(WriteBatch b, int s, int p, int skip) {
    byte[] src = b.buffer();
    for (int l = 0, n = b.labelCount(s); l < n; l++) {
      if (l == skip) {
        continue;
      }
      buf[p++] = (byte) LABEL_TAG;
      p = putVarint(buf, p, labelSize(b, s, l));
      p = putString(buf, p, NAME_TAG, src, b.labelNameOffset(s, l), b.labelNameLength(s, l));
      p = putString(buf, p, VALUE_TAG, src, b.labelValueOffset(s, l), b.labelValueLength(s, l));
    }
    return p;
  }

  private int putSeries(WriteBatch b, int s, int p, int skip) {
    p = putLabels(b, s, p, skip);
    for (int i = 0, n = b.sampleCount(s); i < n; i++) {
      long ts = b.sampleTimestamp(s, i);
      buf[p++] = (byte) SAMPLE_TAG;
      p = putVarint(buf, p, sampleSize(ts));
      buf[p++] = (byte) SAMPLE_VALUE_TAG;
      long bits = b.sampleValueBits(s, i);
      for (int k = 0; k < 8; k++) {
        buf[p++] = (byte) (bits >>> (8 * k));
      }
      buf[p++] = (byte) SAMPLE_TIMESTAMP_TAG;
      p = putVarint64(buf, p, ts);
    }
    p = putExemplars(b, s, p);
    byte[] src = b.buffer();
    for (int i = 0, n = b.histogramCount(s); i < n; i++) {
      int len = b.histogramLength(s, i);
      buf[p++] = (byte) HISTOGRAM_TAG;
      p = putVarint(buf, p, len);
      System.arraycopy(src, b.histogramOffset(s, i), buf, p, len);
      p += len;
    }
    return p;
  }

  // ---- The fields of a raw V1 TimeSeries other than its labels (field 1) ----

  private static int otherFieldsSize(WriteBatch b, int s) {
    byte[] src = b.buffer();
    int size = 0;
    for (int pos = b.seriesOffset(s), end = pos + b.seriesLength(s); pos < end; ) {
      int next = fieldEnd(src, pos);
      if (!isLabelsField(src, pos)) {
        size += next - pos;
      }
      pos = next;
    }
    return size;
  }

  private int putOtherFields(WriteBatch b, int s, int p) {
    byte[] src = b.buffer();
    for (int pos = b.seriesOffset(s), end = pos + b.seriesLength(s); pos < end; ) {
      int next = fieldEnd(src, pos);
      if (!isLabelsField(src, pos)) {
        System.arraycopy(src, pos, buf, p, next - pos);
        p += next - pos;
      }
      pos = next;
    }
    return p;
  }

  // Whether the field at pos is TimeSeries.labels (the decoder accepted the message, so a field 1
  // has wire type 2).
  private static boolean isLabelsField(byte[] src, int pos) {
    long tag = 0;
    int shift = 0;
    byte x;
    do {
      x = src[pos++];
      tag |= (long) (x & 0x7f) << shift;
      shift += 7;
    } while (x < 0 && shift < 64);
    return tag == LABEL_TAG;
  }

  // The end of the field (tag included) that starts at pos, in a message the decoder accepted.
  private static int fieldEnd(byte[] src, int pos) {
    long tag = 0;
    int shift = 0;
    byte x;
    do {
      x = src[pos++];
      tag |= (long) (x & 0x7f) << shift;
      shift += 7;
    } while (x < 0);
    switch ((int) (tag & 7)) {
      case 0 -> {
        while (src[pos++] < 0) {
          // the rest of the varint
        }
        return pos;
      }
      case 1 -> {
        return pos + 8;
      }
      case 2 -> {
        int len = 0;
        shift = 0;
        do {
          x = src[pos++];
          len |= (x & 0x7f) << shift;
          shift += 7;
        } while (x < 0);
        return pos + len;
      }
      case 3 -> {
        // A group: its fields up to the end-group tag of the same field number.
        long endTag = (tag & ~7L) | 4;
        while (true) {
          int start = pos;
          long t = 0;
          shift = 0;
          do {
            x = src[pos++];
            t |= (long) (x & 0x7f) << shift;
            shift += 7;
          } while (x < 0);
          if (t == endTag) {
            return pos;
          }
          pos = fieldEnd(src, start);
        }
      }
      case 5 -> {
        return pos + 4;
      }
      default -> throw new IllegalStateException("wire type " + (tag & 7) + " at " + (pos - 1));
    }
  }

  private static int putString(byte[] out, int p, int tag, byte[] src, int off, int len) {
    if (len == 0) {
      return p;
    }
    out[p++] = (byte) tag;
    p = putVarint(out, p, len);
    System.arraycopy(src, off, out, p, len);
    return p + len;
  }

  // ---- Varints (protobuf base-128, int64 negative values take 10 bytes) ----

  static int varintSize(int v) {
    return varint64Size(v & 0xffff_ffffL);
  }

  static int varint64Size(long v) {
    return Varint.uvarintSize(v);
  }

  private static int putVarint(byte[] out, int p, int v) {
    return putVarint64(out, p, v & 0xffff_ffffL);
  }

  private static int putVarint64(byte[] out, int p, long v) {
    return Varint.putUvarint(out, p, v);
  }
}
