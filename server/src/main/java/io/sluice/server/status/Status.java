// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import java.util.List;
import java.util.Map;

/**
 * The values the status page shows, one record per section. Each is a snapshot taken when the page
 * or the JSON endpoint was asked for; they are immutable and serialized as they are to JSON (a
 * {@code null} means unknown or not applicable, for instance head times of an empty head, or
 * everything about storage on a router that stores nothing). Times are Unix milliseconds, sizes
 * bytes, rates per second.
 */
public final class Status {
  private Status() {}

  /**
   * The receiver as a whole.
   *
   * @param mode {@code ingestor}, {@code router} or {@code router-ingestor}
   * @param ready whether {@code /-/ready} answers 200
   * @param startedMs when the process started
   * @param nowMs when this snapshot was taken
   */
  public record Overview(String mode, boolean ready, long startedMs, long nowMs) {}

  /**
   * One tenant: its head, its WAL, its blocks and their upload. A router that stores nothing lists
   * the tenants it received writes for, with only {@code samplesPerSecond} set.
   *
   * @param tenant the tenant id
   * @param headSeries series in the head, or null without a head
   * @param samplesPerSecond samples received over remote write per second over about the last
   *     minute (all answers, rejected samples included), or null until two measurements exist
   * @param walBytes the size of the {@code wal/} directory, or null
   * @param headMinTimeMs the head's oldest sample, or null when the head is empty
   * @param headMaxTimeMs the head's newest sample, or null when the head is empty
   * @param blocksLocal blocks on local disk, or null
   * @param blocksUploaded of those, the ones in the bucket, or null
   * @param blocksPending of those, the ones not in the bucket yet, or null
   * @param lastUploadMs when the shipper last uploaded a block of this tenant in this process, or
   *     null
   * @param lastError the error of the shipper's last pass if it failed, or null when it succeeded
   *     (or none ran yet)
   * @param lastErrorMs when that pass failed, or null
   */
  public record Tenant(
      String tenant,
      Long headSeries,
      Double samplesPerSecond,
      Long walBytes,
      Long headMinTimeMs,
      Long headMaxTimeMs,
      Integer blocksLocal,
      Integer blocksUploaded,
      Integer blocksPending,
      Long lastUploadMs,
      String lastError,
      Long lastErrorMs) {}

  /**
   * One local block.
   *
   * @param tenant its tenant
   * @param ulid its id (the directory name)
   * @param minTimeMs its first timestamp
   * @param maxTimeMs its end (exclusive, as in {@code meta.json})
   * @param samples samples in it
   * @param level its compaction level
   * @param uploaded whether the shipper knows it is in the bucket
   */
  public record Block(
      String tenant,
      String ulid,
      long minTimeMs,
      long maxTimeMs,
      long samples,
      int level,
      boolean uploaded) {}

  /**
   * The hashring as this receiver sees it now.
   *
   * @param mode as {@link Overview#mode}
   * @param localEndpoint {@code --receive.local-endpoint}, empty when not set
   * @param replicationFactor {@code --receive.replication-factor}
   * @param rings the rings, in file order (ingestor-only: one ring of this node)
   */
  public record Hashring(
      String mode, String localEndpoint, int replicationFactor, List<Ring> rings) {}

  /**
   * One ring of the hashring file.
   *
   * @param name its {@code hashring} name, may be empty
   * @param algorithm hashmod or ketama
   * @param tenants the tenants (or patterns) it serves; empty: every tenant
   * @param nodes its endpoints
   * @param localShare the fraction of series this node stores a replica of, estimated from the
   *     ring's placement; 0 when this node is not in the ring; null when it depends on the tenant
   *     (shuffle sharding) or cannot be computed
   */
  public record Ring(
      String name, String algorithm, List<String> tenants, List<Node> nodes, Double localShare) {}

  /**
   * One endpoint of a ring.
   *
   * @param address its gRPC address
   * @param az its availability zone, empty when not set
   * @param self whether it is this receiver
   * @param backedOff whether forwards to it are held back now, after it failed
   */
  public record Node(String address, String az, boolean self, boolean backedOff) {}

  /**
   * The write limits in force and what was refused.
   *
   * @param configured whether {@code --receive.limits-config[-file]} is set
   * @param maxConcurrency {@code write.global.max_concurrency}, 0 for no gate
   * @param defaults the limits of tenants not listed
   * @param tenants the listed tenants' limits, by tenant
   * @param memory the memory back-pressure state
   * @param rejections refused requests by reason, since start
   */
  public record Limits(
      boolean configured,
      long maxConcurrency,
      TenantLimits defaults,
      Map<String, TenantLimits> tenants,
      Memory memory,
      List<Rejection> rejections) {}

  /**
   * One tenant's limits; 0 is unlimited.
   *
   * @param requestSizeBytes {@code request.size_bytes_limit}
   * @param requestSeries {@code request.series_limit}
   * @param requestSamples {@code request.samples_limit}
   * @param headSeries {@code head_series_limit}
   */
  public record TenantLimits(
      long requestSizeBytes, long requestSeries, long requestSamples, long headSeries) {}

  /**
   * Memory back-pressure.
   *
   * @param level 0 (accepting), 1 (refusing new series), 2 (refusing all writes); null if unknown
   * @param liveHeapBytes heap occupied after the last collection, or null
   * @param maxHeapBytes the maximum heap, or null
   * @param newSeriesLimitBytes the level-1 mark in bytes, or null when off
   * @param writesLimitBytes the level-2 mark in bytes, or null when off
   */
  public record Memory(
      Integer level,
      Long liveHeapBytes,
      Long maxHeapBytes,
      Long newSeriesLimitBytes,
      Long writesLimitBytes) {}

  /**
   * Requests refused for one reason, since start.
   *
   * @param reason what refused them, e.g. {@code limit:series}, {@code head_series_limit}, {@code
   *     memory:new_series}, {@code http:409}
   * @param tenant the tenant, empty when the reason is not per tenant
   * @param requests how many
   */
  public record Rejection(String reason, String tenant, long requests) {}

  /**
   * One effective setting.
   *
   * @param name its path in the configuration, e.g. {@code replication.localEndpoint}
   * @param value its value as text, {@code <redacted>} for secrets
   */
  public record Flag(String name, String value) {}
}
