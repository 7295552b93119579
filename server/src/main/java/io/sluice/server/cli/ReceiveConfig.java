// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import io.sluice.objstore.BucketConfig;
import io.sluice.receiver.relabel.RelabelConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The validated configuration of one {@code sluice receive} process.
 *
 * @param remoteWriteAddress where {@code POST /api/v1/receive} is served
 * @param httpAddress where {@code /metrics} and the probes are served
 * @param grpcAddress where the gRPC StoreAPI, Info and health are served
 * @param tsdbPath the data directory; one sub-directory per tenant
 * @param externalLabels the {@code --label} flags, sorted by name
 * @param tenantHeader the HTTP header that names the tenant
 * @param defaultTenant the tenant of requests without the header
 * @param tenantLabelName the external label that announces the tenant
 * @param tooFarInFutureMs samples newer than now plus this are out of bounds; 0 disables
 * @param oooTimeWindowMs out-of-order window in ms ({@code --tsdb.out-of-order.time-window}); 0
 *     disables out-of-order ingestion
 * @param oooCapMax samples per out-of-order chunk ({@code --tsdb.out-of-order.cap-max}, a flag
 *     value of 0 already resolved to 32), in [1, 255]
 * @param walCompression snappy-compress WAL records ({@code --tsdb.wal-compression})
 * @param walFsync acknowledge a write only after an fsync of the WAL, with group commit ({@code
 *     --tsdb.wal-fsync}); false acknowledges once the write reached the OS
 * @param maxBodyBytes the largest compressed request body accepted (413 above)
 * @param maxDecodedBytes the largest decoded request accepted (413 above)
 * @param logLevel debug, info, warn or error
 * @param logFormat logfmt or json
 * @param ignoredFlags Thanos flags given but not implemented yet, to warn about once each
 * @param objstore the bucket blocks are uploaded to ({@code --objstore.config} or {@code
 *     --objstore.config-file}), or null for the embedded filesystem bucket under the data directory
 * @param shipperSkipCorruptedBlocks skip blocks whose {@code meta.json} cannot be read instead of
 *     failing the upload pass ({@code --shipper.skip-corrupted-blocks})
 * @param replication the hashring and replication flags
 * @param limits the limits flags ({@code --receive.limits-config[-file]}), or null when neither is
 *     given: no limits, and nothing of them on the write path
 * @param relabel the relabel rules applied at the remote-write ingress ({@code
 *     --receive.relabel-config} or {@code --receive.relabel-config-file}); {@link
 *     RelabelConfigs#NONE} for none
 * @param memory the memory back-pressure flags (Sluice only)
 */
public record ReceiveConfig(
    HostPort remoteWriteAddress,
    HostPort httpAddress,
    HostPort grpcAddress,
    Path tsdbPath,
    Map<String, String> externalLabels,
    String tenantHeader,
    String defaultTenant,
    String tenantLabelName,
    long tooFarInFutureMs,
    long oooTimeWindowMs,
    int oooCapMax,
    boolean walCompression,
    boolean walFsync,
    long minBlockDurationMs,
    long maxBlockDurationMs,
    long retentionMs,
    int maxBodyBytes,
    int maxDecodedBytes,
    String logLevel,
    String logFormat,
    List<String> ignoredFlags,
    BucketConfig objstore,
    boolean shipperSkipCorruptedBlocks,
    ReplicationConfig replication,
    LimitsFlags limits,
    RelabelConfigs relabel,
    MemoryConfig memory) {

  public ReceiveConfig {
    Objects.requireNonNull(remoteWriteAddress, "remoteWriteAddress");
    Objects.requireNonNull(httpAddress, "httpAddress");
    Objects.requireNonNull(grpcAddress, "grpcAddress");
    Objects.requireNonNull(tsdbPath, "tsdbPath");
    externalLabels = Map.copyOf(externalLabels);
    ignoredFlags = List.copyOf(ignoredFlags);
    Objects.requireNonNull(replication, "replication");
    Objects.requireNonNull(relabel, "relabel");
    Objects.requireNonNull(memory, "memory");
    if (tooFarInFutureMs < 0) {
      throw new IllegalArgumentException("tooFarInFutureMs must be >= 0: " + tooFarInFutureMs);
    }
    if (oooTimeWindowMs < 0) {
      throw new IllegalArgumentException("oooTimeWindowMs must be >= 0: " + oooTimeWindowMs);
    }
    if (oooCapMax < 1 || oooCapMax > 255) {
      throw new IllegalArgumentException("oooCapMax must be in [1, 255]: " + oooCapMax);
    }
    if (minBlockDurationMs <= 0 || maxBlockDurationMs < minBlockDurationMs) {
      throw new IllegalArgumentException(
          "block durations must satisfy 0 < min <= max: "
              + minBlockDurationMs
              + ", "
              + maxBlockDurationMs);
    }
    if (retentionMs < 0) {
      throw new IllegalArgumentException("retentionMs must be >= 0: " + retentionMs);
    }
    if (maxBodyBytes <= 0 || maxDecodedBytes <= 0) {
      throw new IllegalArgumentException(
          "body limits must be positive: " + maxBodyBytes + ", " + maxDecodedBytes);
    }
  }
}
