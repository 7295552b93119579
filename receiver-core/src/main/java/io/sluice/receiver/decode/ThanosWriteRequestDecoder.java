// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import static io.sluice.receiver.decode.ThanosWriteFormat.TUPLE_TENANT;
import static io.sluice.receiver.decode.ThanosWriteFormat.TUPLE_TIMESERIES;
import static io.sluice.receiver.decode.ThanosWriteFormat.WRITE_REQUEST_REPLICA;
import static io.sluice.receiver.decode.ThanosWriteFormat.WRITE_REQUEST_TENANT;
import static io.sluice.receiver.decode.ThanosWriteFormat.WRITE_REQUEST_TENANT_DATA;
import static io.sluice.receiver.decode.ThanosWriteFormat.WRITE_REQUEST_TIMESERIES;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decodes a forwarded {@code thanos.WriteRequest} ({@link ThanosWriteFormat}) into one {@link
 * WriteBatch} and a list of tenants, each owning a contiguous range of the batch's series: the
 * tuples of field 4 when there is at least one, otherwise one tenant (field 2) with the series of
 * field 1, as Thanos' {@code RemoteWrite} server reads it. TimeSeries are parsed by the same code
 * as remote write 1.0 bodies, so the batch is a {@link RemoteWriteVersion#V1} batch whose series
 * byte ranges can be forwarded again as they are.
 *
 * <p>Not thread-safe: one decoder per thread. The batch and the tenant table are reused by the next
 * {@link #decode} call; {@link #release} drops the decoder's reference to the message. A decode
 * allocates one {@link CodedInputStream} and one string per distinct consecutive tenant, nothing
 * per series or sample in steady state.
 */
public final class ThanosWriteRequestDecoder {
  private static final byte[] EMPTY = new byte[0];
  private static final long WRITE_REQUEST_FIELDS = 1L << 1 | 1L << 2 | 1L << 3 | 1L << 4;
  private static final long TUPLE_FIELDS = 1L << 1 | 1L << 2;

  private final WriteBatch batch = new WriteBatch();
  private long replica;
  private String legacyTenant = "";
  private int tenantCount;
  private String[] tenants = new String[4];
  private int[] seriesStart = new int[4];
  private int[] seriesEnd = new int[4];
  private byte[] message = EMPTY;

  /** Creates a decoder. */
  public ThanosWriteRequestDecoder() {}

  /**
   * Decodes {@code message[0, length)}.
   *
   * @param message the serialized request (as received, after gRPC decompression); only read, and
   *     referenced by the batch until the next call or {@link #release}
   * @param length the number of bytes of the message
   * @return the number of tenants ({@link #tenant}), at least 1 for a legacy request
   * @throws ProtobufDecodeException if the message is not a valid {@code thanos.WriteRequest}
   * @throws IndexOutOfBoundsException if {@code length} exceeds the array
   */
  public int decode(byte[] message, int length) throws ProtobufDecodeException {
    Objects.checkFromIndexSize(0, length, message.length);
    this.message = message;
    batch.begin(message, length, RemoteWriteVersion.V1);
    replica = 0;
    legacyTenant = "";
    tenantCount = 0;
    boolean decoded = false;
    try {
      CodedInputStream in = CodedInputStream.newInstance(message, 0, length);
      int legacySeries = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag) {
          case WRITE_REQUEST_TIMESERIES -> {
            RemoteWriteDecoder.readSeriesV1(in, batch);
            legacySeries++;
          }
          case WRITE_REQUEST_TENANT -> legacyTenant = readTenant(in, legacyTenant);
          case WRITE_REQUEST_REPLICA -> replica = in.readInt64();
          case WRITE_REQUEST_TENANT_DATA -> readTuple(in);
          default -> RemoteWriteDecoder.skipUnknown(in, tag, WRITE_REQUEST_FIELDS, "WriteRequest");
        }
      }
      if (tenantCount == 0) {
        // Legacy form: every series of the batch came from field 1.
        addTenant(legacyTenant, 0, legacySeries);
      }
      decoded = true;
      return tenantCount;
    } catch (ProtobufDecodeException e) {
      throw e;
    } catch (IOException e) {
      throw new ProtobufDecodeException(e.getMessage(), e);
    } finally {
      if (!decoded) {
        release();
      }
    }
  }

  private void readTuple(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    int start = batch.seriesCount();
    // The tenant of the previous tuple: the string is reused when the bytes are the same.
    String tenant = tenantCount > 0 ? tenants[tenantCount - 1] : "";
    String read = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case TUPLE_TIMESERIES -> RemoteWriteDecoder.readSeriesV1(in, batch);
        case TUPLE_TENANT -> read = readTenant(in, tenant);
        default -> RemoteWriteDecoder.skipUnknown(in, tag, TUPLE_FIELDS, "TimeSeriesTenantTuple");
      }
    }
    in.popLimit(limit);
    int end = batch.seriesCount();
    // Legacy series of field 1 may follow; a tuple's own series are contiguous.
    addTenant(read, start, end);
  }

  private String readTenant(CodedInputStream in, String previous) throws IOException {
    int length = in.readRawVarint32();
    int offset = in.getTotalBytesRead();
    in.skipRawBytes(length);
    if (length == 0) {
      return "";
    }
    if (previous.length() == length && isAscii(previous) && sameAscii(previous, offset, length)) {
      return previous;
    }
    return new String(message, offset, length, StandardCharsets.UTF_8);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private boolean sameAscii(String s, int offset, int length) {
    for (int i = 0; i < length; i++) {
      if (message[offset + i] != (byte) s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void addTenant(String tenant, int start, int end) {
    if (tenantCount == tenants.length) {
      int n = WriteBatch.grownLength(tenantCount, tenantCount + 1);
      tenants = Arrays.copyOf(tenants, n);
      seriesStart = Arrays.copyOf(seriesStart, n);
      seriesEnd = Arrays.copyOf(seriesEnd, n);
    }
    tenants[tenantCount] = tenant;
    seriesStart[tenantCount] = start;
    seriesEnd[tenantCount] = end;
    tenantCount++;
  }

  /** {@return the decoded series of every tenant; valid until the next decode or release} */
  public WriteBatch batch() {
    return batch;
  }

  /** {@return the request's replica: 0 when not replicated, k ≥ 1 for replica index k − 1} */
  public long replica() {
    return replica;
  }

  /** {@return the number of tenants of the last decoded request} */
  public int tenantCount() {
    return tenantCount;
  }

  /**
   * @param t the tenant index, in request order
   * @return the tenant's name as sent (may be empty or invalid; not validated here)
   */
  public String tenant(int t) {
    return tenants[Objects.checkIndex(t, tenantCount)];
  }

  /**
   * @param t the tenant index
   * @return the first batch series of tenant {@code t}
   */
  public int firstSeries(int t) {
    return seriesStart[Objects.checkIndex(t, tenantCount)];
  }

  /**
   * @param t the tenant index
   * @return one past the last batch series of tenant {@code t}
   */
  public int endSeries(int t) {
    return seriesEnd[Objects.checkIndex(t, tenantCount)];
  }

  /** Empties the batch and drops the reference to the last message, keeping the arrays. */
  public void release() {
    message = EMPTY;
    batch.begin(EMPTY, 0, RemoteWriteVersion.V1);
    Arrays.fill(tenants, 0, tenantCount, null);
    tenantCount = 0;
  }
}
