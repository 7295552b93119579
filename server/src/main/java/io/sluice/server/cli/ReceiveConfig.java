// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import io.sluice.objstore.BucketConfig;
import io.sluice.receiver.otlp.OtlpSettings;
import io.sluice.receiver.relabel.RelabelConfigs;
import io.sluice.tsdb.head.HeadOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The validated configuration of one {@code sluice receive} process, grouped as the flags are: each
 * group is a record validated in its compact constructor. {@link #defaults(Path)} and the {@code
 * with…} methods build a configuration without the command line, as tests do.
 *
 * @param addresses the three listen addresses
 * @param externalLabels the {@code --label} flags, sorted by name
 * @param tenancy how a request's tenant is found and announced
 * @param tsdb the {@code --tsdb.*} flags
 * @param requestBounds the largest remote-write request accepted
 * @param log the {@code --log.*} flags
 * @param ignoredFlags Thanos flags given but not implemented yet, to warn about once each
 * @param shipper where blocks are uploaded, and how
 * @param replication the hashring and replication flags
 * @param limits the limits flags ({@code --receive.limits-config[-file]}), or null when neither is
 *     given: no limits, and nothing of them on the write path
 * @param relabel the relabel rules applied at the remote-write ingress ({@code
 *     --receive.relabel-config} or {@code --receive.relabel-config-file}); {@link
 *     RelabelConfigs#NONE} for none
 * @param memory the memory back-pressure flags (Sluice only)
 * @param otlp the {@code /api/v1/otlp} translation flags ({@code
 *     --receive.otlp-enable-target-info}, {@code --receive.otlp-promote-resource-attributes})
 */
public record ReceiveConfig(
    Addresses addresses,
    Map<String, String> externalLabels,
    Tenancy tenancy,
    Tsdb tsdb,
    RequestBounds requestBounds,
    Log log,
    List<String> ignoredFlags,
    Shipper shipper,
    ReplicationConfig replication,
    LimitsFlags limits,
    RelabelConfigs relabel,
    MemoryConfig memory,
    OtlpSettings otlp) {

  public ReceiveConfig {
    Objects.requireNonNull(addresses, "addresses");
    externalLabels = Map.copyOf(externalLabels);
    Objects.requireNonNull(tenancy, "tenancy");
    Objects.requireNonNull(tsdb, "tsdb");
    Objects.requireNonNull(requestBounds, "requestBounds");
    Objects.requireNonNull(log, "log");
    ignoredFlags = List.copyOf(ignoredFlags);
    Objects.requireNonNull(shipper, "shipper");
    Objects.requireNonNull(replication, "replication");
    Objects.requireNonNull(relabel, "relabel");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(otlp, "otlp");
  }

  /**
   * What {@code sluice receive} runs with when only {@code --tsdb.path} is given: the defaults of
   * every flag, and no external labels (the command requires at least one).
   */
  public static ReceiveConfig defaults(Path tsdbPath) {
    return new ReceiveConfig(
        Addresses.DEFAULT,
        Map.of(),
        Tenancy.DEFAULT,
        Tsdb.defaults(tsdbPath),
        RequestBounds.DEFAULT,
        Log.DEFAULT,
        List.of(),
        Shipper.EMBEDDED,
        ReplicationConfig.none(),
        null,
        RelabelConfigs.NONE,
        MemoryConfig.DEFAULT,
        OtlpSettings.DEFAULTS);
  }

  /** {@return this configuration with {@code a} as its addresses} */
  public ReceiveConfig withAddresses(Addresses a) {
    return new ReceiveConfig(
        a,
        externalLabels,
        tenancy,
        tsdb,
        requestBounds,
        log,
        ignoredFlags,
        shipper,
        replication,
        limits,
        relabel,
        memory,
        otlp);
  }

  /** {@return this configuration with {@code labels} as its {@code --label}s} */
  public ReceiveConfig withExternalLabels(Map<String, String> labels) {
    return new ReceiveConfig(
        addresses,
        labels,
        tenancy,
        tsdb,
        requestBounds,
        log,
        ignoredFlags,
        shipper,
        replication,
        limits,
        relabel,
        memory,
        otlp);
  }

  /** {@return this configuration with {@code t} as its tsdb flags} */
  public ReceiveConfig withTsdb(Tsdb t) {
    return new ReceiveConfig(
        addresses,
        externalLabels,
        tenancy,
        t,
        requestBounds,
        log,
        ignoredFlags,
        shipper,
        replication,
        limits,
        relabel,
        memory,
        otlp);
  }

  /** {@return this configuration with {@code s} as its shipper flags} */
  public ReceiveConfig withShipper(Shipper s) {
    return new ReceiveConfig(
        addresses,
        externalLabels,
        tenancy,
        tsdb,
        requestBounds,
        log,
        ignoredFlags,
        s,
        replication,
        limits,
        relabel,
        memory,
        otlp);
  }

  /** {@return this configuration with {@code o} as its OTLP translation flags} */
  public ReceiveConfig withOtlp(OtlpSettings o) {
    return new ReceiveConfig(
        addresses,
        externalLabels,
        tenancy,
        tsdb,
        requestBounds,
        log,
        ignoredFlags,
        shipper,
        replication,
        limits,
        relabel,
        memory,
        o);
  }

  /**
   * The listen addresses.
   *
   * @param remoteWrite {@code --remote-write.address}: where {@code POST /api/v1/receive} is served
   * @param http {@code --http-address}: where {@code /metrics} and the probes are served
   * @param grpc {@code --grpc-address}: where the gRPC StoreAPI, Info and health are served
   */
  public record Addresses(HostPort remoteWrite, HostPort http, HostPort grpc) {
    /** Thanos' defaults: ports 19291, 10902 and 10901 on every interface. */
    public static final Addresses DEFAULT =
        new Addresses(
            new HostPort("0.0.0.0", 19291),
            new HostPort("0.0.0.0", 10902),
            new HostPort("0.0.0.0", 10901));

    public Addresses {
      Objects.requireNonNull(remoteWrite, "remoteWrite");
      Objects.requireNonNull(http, "http");
      Objects.requireNonNull(grpc, "grpc");
    }

    /** {@return all three listeners on {@code host}, each on a port the system picks} */
    public static Addresses ephemeral(String host) {
      HostPort any = new HostPort(host, 0);
      return new Addresses(any, any, any);
    }
  }

  /**
   * How the tenant of a request is found, and how it is announced.
   *
   * @param header {@code --receive.tenant-header}: the HTTP header that names the tenant
   * @param defaultTenant {@code --receive.default-tenant-id}: the tenant of requests without it
   * @param labelName {@code --receive.tenant-label-name}: the external label that announces the
   *     tenant
   */
  public record Tenancy(String header, String defaultTenant, String labelName) {
    /** Thanos' defaults: {@code THANOS-TENANT}, {@code default-tenant}, {@code tenant_id}. */
    public static final Tenancy DEFAULT =
        new Tenancy("THANOS-TENANT", "default-tenant", "tenant_id");

    public Tenancy {
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(defaultTenant, "defaultTenant");
      Objects.requireNonNull(labelName, "labelName");
    }
  }

  /**
   * The {@code --tsdb.*} flags: where and how each tenant's database keeps its data.
   *
   * @param path {@code --tsdb.path}: the data directory; one sub-directory per tenant
   * @param tooFarInFutureMs {@code --tsdb.too-far-in-future.time-window}: samples newer than now
   *     plus this are out of bounds; 0 disables
   * @param oooTimeWindowMs {@code --tsdb.out-of-order.time-window} in ms; 0 disables out-of-order
   *     ingestion
   * @param oooCapMax {@code --tsdb.out-of-order.cap-max}: samples per out-of-order chunk (a flag
   *     value of 0 already resolved to 32), in [1, 255]
   * @param walCompression {@code --tsdb.wal-compression}: snappy-compress WAL records
   * @param walFsync {@code --tsdb.wal-fsync} (Sluice only): acknowledge a write only after an fsync
   *     of the WAL, with group commit; false acknowledges once the write reached the OS
   * @param minBlockDurationMs {@code --tsdb.min-block-duration}: the blocks cut from the head, and
   *     the head's chunk range
   * @param maxBlockDurationMs {@code --tsdb.max-block-duration}: how often the head is checked for
   *     blocks to cut, at most
   * @param retentionMs {@code --tsdb.retention}: how long blocks stay on local storage; 0 disables
   * @param maxExemplars {@code --tsdb.max-exemplars}: exemplars kept per tenant (a negative flag
   *     value already resolved to 0); 0 discards every exemplar
   */
  public record Tsdb(
      Path path,
      long tooFarInFutureMs,
      long oooTimeWindowMs,
      int oooCapMax,
      boolean walCompression,
      boolean walFsync,
      long minBlockDurationMs,
      long maxBlockDurationMs,
      long retentionMs,
      long maxExemplars) {
    private static final long TWO_HOURS_MS = 2 * 3_600_000L;

    public Tsdb {
      Objects.requireNonNull(path, "path");
      if (tooFarInFutureMs < 0) {
        throw new IllegalArgumentException("tooFarInFutureMs must be >= 0: " + tooFarInFutureMs);
      }
      if (oooTimeWindowMs < 0) {
        throw new IllegalArgumentException("oooTimeWindowMs must be >= 0: " + oooTimeWindowMs);
      }
      if (oooCapMax < 1 || oooCapMax > HeadOptions.MAX_OOO_CAP_MAX) {
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
      if (maxExemplars < 0) {
        throw new IllegalArgumentException("maxExemplars must be >= 0: " + maxExemplars);
      }
    }

    /**
     * Thanos' defaults under {@code path}: no future window, no out-of-order window, WAL
     * compression on, no fsync, 2h blocks, 15d retention, no exemplars.
     */
    public static Tsdb defaults(Path path) {
      return new Tsdb(
          path,
          0,
          0,
          HeadOptions.DEFAULT_OOO_CAP_MAX,
          true,
          false,
          TWO_HOURS_MS,
          TWO_HOURS_MS,
          15 * 24 * 3_600_000L,
          0);
    }

    /** {@return these flags with {@code --tsdb.wal-fsync=fsync}} */
    public Tsdb withWalFsync(boolean fsync) {
      return new Tsdb(
          path,
          tooFarInFutureMs,
          oooTimeWindowMs,
          oooCapMax,
          walCompression,
          fsync,
          minBlockDurationMs,
          maxBlockDurationMs,
          retentionMs,
          maxExemplars);
    }

    /** {@return these flags with an out-of-order window of {@code ms}} */
    public Tsdb withOooTimeWindowMs(long ms) {
      return new Tsdb(
          path,
          tooFarInFutureMs,
          ms,
          oooCapMax,
          walCompression,
          walFsync,
          minBlockDurationMs,
          maxBlockDurationMs,
          retentionMs,
          maxExemplars);
    }

    /** {@return these flags with {@code --tsdb.max-exemplars=n}} */
    public Tsdb withMaxExemplars(long n) {
      return new Tsdb(
          path,
          tooFarInFutureMs,
          oooTimeWindowMs,
          oooCapMax,
          walCompression,
          walFsync,
          minBlockDurationMs,
          maxBlockDurationMs,
          retentionMs,
          n);
    }

    /** {@return these flags with both block durations {@code ms}} */
    public Tsdb withBlockDurationMs(long ms) {
      return new Tsdb(
          path,
          tooFarInFutureMs,
          oooTimeWindowMs,
          oooCapMax,
          walCompression,
          walFsync,
          ms,
          ms,
          retentionMs,
          maxExemplars);
    }
  }

  /**
   * The largest remote-write request accepted (Sluice only; both answered with 413 above).
   *
   * @param maxBodyBytes {@code --remote-write.max-body-bytes}: the largest compressed body
   * @param maxDecodedBytes {@code --remote-write.max-decoded-bytes}: the largest decoded body
   */
  public record RequestBounds(int maxBodyBytes, int maxDecodedBytes) {
    /** 32 MiB compressed, 128 MiB decoded. */
    public static final RequestBounds DEFAULT = new RequestBounds(32 << 20, 128 << 20);

    public RequestBounds {
      if (maxBodyBytes <= 0 || maxDecodedBytes <= 0) {
        throw new IllegalArgumentException(
            "body limits must be positive: " + maxBodyBytes + ", " + maxDecodedBytes);
      }
    }
  }

  /**
   * The {@code --log.*} flags.
   *
   * @param level debug, info, warn or error
   * @param format logfmt or json
   */
  public record Log(String level, String format) {
    /** Thanos' defaults: info, logfmt. */
    public static final Log DEFAULT = new Log("info", "logfmt");

    public Log {
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(format, "format");
    }
  }

  /**
   * Where blocks are uploaded.
   *
   * @param bucket the bucket of {@code --objstore.config} or {@code --objstore.config-file}, or
   *     null for the embedded filesystem bucket under the data directory
   * @param skipCorruptedBlocks {@code --shipper.skip-corrupted-blocks}: skip blocks whose {@code
   *     meta.json} cannot be read instead of failing the upload pass
   */
  public record Shipper(BucketConfig bucket, boolean skipCorruptedBlocks) {
    /** No objstore flag: the embedded filesystem bucket; corrupted blocks fail the pass. */
    public static final Shipper EMBEDDED = new Shipper(null, false);

    /** {@return these flags with {@code b} as the bucket} */
    public Shipper withBucket(BucketConfig b) {
      return new Shipper(b, skipCorruptedBlocks);
    }
  }
}
