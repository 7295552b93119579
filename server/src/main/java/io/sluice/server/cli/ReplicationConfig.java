// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import io.sluice.hashring.HashringAlgorithm;
import io.sluice.hashring.replication.ReceiveMode;
import java.nio.file.Path;

/**
 * The hashring and replication flags of {@code thanos receive} (reference {@code thanos-receive.md}
 * §1.2, §1.4, §4), validated.
 *
 * @param hashringsFile {@code --receive.hashrings-file}, or null
 * @param hashrings {@code --receive.hashrings} (inline JSON), or null
 * @param algorithm {@code --receive.hashrings-algorithm} (hashmod)
 * @param refreshIntervalMs {@code --receive.hashrings-file-refresh-interval} (5m)
 * @param localEndpoint {@code --receive.local-endpoint}, empty when not set
 * @param replicationFactor {@code --receive.replication-factor} (1)
 * @param forwardTimeoutMs {@code --receive-forward-timeout} (5s)
 * @param forwardMaxBackoffMs {@code --receive-forward-max-backoff} (5s)
 * @param asyncWorkers {@code --receive.forward.async-workers} (5) per peer
 * @param grpcCompression {@code --receive.grpc-compression}: snappy (default) or none
 * @param splitTenantLabelName {@code --receive.split-tenant-label-name}, empty when not set: the
 *     label whose value names a series' tenant (the label is removed from the series)
 */
public record ReplicationConfig(
    Path hashringsFile,
    String hashrings,
    HashringAlgorithm algorithm,
    long refreshIntervalMs,
    String localEndpoint,
    int replicationFactor,
    long forwardTimeoutMs,
    long forwardMaxBackoffMs,
    int asyncWorkers,
    String grpcCompression,
    String splitTenantLabelName) {

  /** Validates. */
  public ReplicationConfig {
    if (hashringsFile != null && hashrings != null) {
      throw new IllegalArgumentException(
          "--receive.hashrings-file and --receive.hashrings: both file and content are set");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "--receive.replication-factor must be at least 1: " + replicationFactor);
    }
    if (asyncWorkers < 1) {
      throw new IllegalArgumentException(
          "--receive.forward.async-workers must be at least 1: " + asyncWorkers);
    }
    if (!grpcCompression.equals("snappy") && !grpcCompression.equals("none")) {
      throw new IllegalArgumentException(
          "--receive.grpc-compression must be snappy or none: \"" + grpcCompression + "\"");
    }
    localEndpoint = localEndpoint == null ? "" : localEndpoint;
    splitTenantLabelName = splitTenantLabelName == null ? "" : splitTenantLabelName;
  }

  /** Thanos' defaults: no hashring (ingestor only), replication factor 1. */
  public static ReplicationConfig none() {
    return new ReplicationConfig(
        null, null, HashringAlgorithm.HASHMOD, 300_000, "", 1, 5_000, 5_000, 5, "snappy", "");
  }

  /** The mode these flags select ({@code determineMode}). */
  public ReceiveMode mode() {
    return ReceiveMode.of(hashringsFile != null || hashrings != null, !localEndpoint.isEmpty());
  }
}
