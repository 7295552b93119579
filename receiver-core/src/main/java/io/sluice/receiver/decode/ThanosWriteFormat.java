// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import com.google.protobuf.WireFormat;

/**
 * The message receivers forward to each other: {@code thanos.WriteRequest}, the request of gRPC
 * {@code /thanos.WriteableStore/RemoteWrite} (Thanos {@code pkg/store/storepb/rpc.proto}, {@code
 * prompb/types.proto}, {@code labelpb/types.proto}; reference {@code thanos-receive.md} §4.6).
 *
 * <pre>
 * WriteRequest          = { 1:LEN TimeSeries          ; timeseries (legacy single-tenant form)
 *                         | 2:LEN tenant              ; UTF-8 (legacy)
 *                         | 3:VARINT replica          ; int64; 0 = not replicated, k = index k-1
 *                         | 4:LEN TimeSeriesTenantTuple } ; timeseriesTenantData, Thanos 0.43+
 * TimeSeriesTenantTuple = { 1:LEN TimeSeries | 2:LEN tenant }
 * TimeSeries            = prometheus_copy.TimeSeries, byte-compatible with prometheus.TimeSeries
 *                         of remote write 1.0 ({@link RemoteWriteFormat}):
 *                         { 1:LEN Label | 2:LEN Sample | 3:LEN Exemplar | 4:LEN Histogram }
 * WriteResponse         = { }
 * </pre>
 *
 * A receiver reads the tuples of field 4 when there is at least one, and otherwise fields 1 and 2
 * as one tenant (Thanos' {@code Handler.RemoteWrite}); v0.42 reads only fields 1-3, so senders use
 * the legacy form towards peers of unknown version. gRPC compression {@code snappy} is the snappy
 * <em>framing</em> format, unlike the snappy block bodies of remote write over HTTP.
 */
public final class ThanosWriteFormat {
  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private ThanosWriteFormat() {}

  /** The gRPC service. */
  public static final String SERVICE = "thanos.WriteableStore";

  /** The gRPC method, {@code /thanos.WriteableStore/RemoteWrite} with {@link #SERVICE}. */
  public static final String METHOD = "RemoteWrite";

  /** {@code WriteRequest.timeseries}. */
  public static final int WRITE_REQUEST_TIMESERIES = (1 << 3) | LEN;

  /** {@code WriteRequest.tenant}. */
  public static final int WRITE_REQUEST_TENANT = (2 << 3) | LEN;

  /** {@code WriteRequest.replica}. */
  public static final int WRITE_REQUEST_REPLICA = (3 << 3) | VARINT;

  /** {@code WriteRequest.timeseriesTenantData}. */
  public static final int WRITE_REQUEST_TENANT_DATA = (4 << 3) | LEN;

  /** {@code TimeSeriesTenantTuple.timeseries}. */
  public static final int TUPLE_TIMESERIES = (1 << 3) | LEN;

  /** {@code TimeSeriesTenantTuple.tenant}. */
  public static final int TUPLE_TENANT = (2 << 3) | LEN;
}
