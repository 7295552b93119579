// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import io.sluice.objstore.BucketConfig;
import io.sluice.objstore.BucketConfigException;
import io.sluice.receiver.admission.MemoryLimits;
import io.sluice.receiver.limits.LimitsConfig;
import io.sluice.receiver.limits.LimitsConfigException;
import io.sluice.receiver.otlp.OtlpSettings;
import io.sluice.receiver.relabel.RelabelConfigException;
import io.sluice.receiver.relabel.RelabelConfigs;
import io.sluice.receiver.tenant.InvalidTenantException;
import io.sluice.receiver.tenant.TenantValidator;
import io.sluice.tsdb.head.HeadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice receive}: the flags of {@code thanos receive} with Thanos' names and defaults.
 * Parsing yields a {@link ReceiveConfig}; a malformed value fails with a message naming the flag.
 * What runs the receiver is passed in, so the command can be tested without starting servers.
 */
@Command(
    name = "receive",
    mixinStandardHelpOptions = true,
    description = "Accept Prometheus remote write and store it, as thanos receive does.")
public final class ReceiveCommand implements Callable<Integer> {
  private static final String MIB_32 = "33554432";
  private static final String MIB_128 = "134217728";

  @Spec CommandSpec spec;

  private final Function<ReceiveConfig, Integer> runner;

  @Option(
      names = "--remote-write.address",
      defaultValue = "0.0.0.0:19291",
      paramLabel = "host:port",
      description = "Address to listen on for remote write requests (default: ${DEFAULT-VALUE}).")
  String remoteWriteAddress;

  @Option(
      names = "--http-address",
      defaultValue = "0.0.0.0:10902",
      paramLabel = "host:port",
      description = "Listen host:port for HTTP endpoints (default: ${DEFAULT-VALUE}).")
  String httpAddress;

  @Option(
      names = "--grpc-address",
      defaultValue = "0.0.0.0:10901",
      paramLabel = "host:port",
      description = "Listen host:port for the gRPC StoreAPI (default: ${DEFAULT-VALUE}).")
  String grpcAddress;

  @Option(
      names = "--tsdb.path",
      defaultValue = "./data",
      description = "Data directory of the TSDBs (default: ${DEFAULT-VALUE}).")
  Path tsdbPath;

  @Option(
      names = "--label",
      paramLabel = "key=\"value\"",
      description = "External label to announce; repeatable. At least one is required.")
  List<String> labels = new ArrayList<>();

  @Option(
      names = "--receive.tenant-header",
      defaultValue = "THANOS-TENANT",
      description = "HTTP header naming the tenant of a write request (default: ${DEFAULT-VALUE}).")
  String tenantHeader;

  @Option(
      names = "--receive.default-tenant-id",
      defaultValue = "default-tenant",
      description = "Tenant of requests without the tenant header (default: ${DEFAULT-VALUE}).")
  String defaultTenant;

  @Option(
      names = "--receive.tenant-label-name",
      defaultValue = "tenant_id",
      description = "External label that announces the tenant (default: ${DEFAULT-VALUE}).")
  String tenantLabelName;

  @Option(
      names = "--tsdb.too-far-in-future.time-window",
      defaultValue = "0s",
      description =
          "Samples newer than now plus this window are rejected as out of bounds; 0s disables"
              + " (default: ${DEFAULT-VALUE}).")
  String tooFarInFuture;

  @Option(
      names = "--tsdb.out-of-order.time-window",
      defaultValue = "0s",
      description =
          "[EXPERIMENTAL] Accept samples older than their series' newest sample if they are not"
              + " older than the head's max time minus this window; 0s disables (default:"
              + " ${DEFAULT-VALUE}).")
  String oooTimeWindow;

  @Option(
      names = "--tsdb.out-of-order.cap-max",
      defaultValue = "0",
      description =
          "[EXPERIMENTAL] Maximum samples per chunk encoded from out-of-order data, at most 255;"
              + " 0 means 32 (default: ${DEFAULT-VALUE}).")
  String oooCapMax;

  @Option(
      names = "--tsdb.max-exemplars",
      defaultValue = "0",
      description =
          "Enables support for ingesting exemplars and sets the maximum number of exemplars that"
              + " will be stored per tenant. Once the storage is full, a new exemplar evicts the"
              + " oldest one; 0 (or less) disables exemplar storage (default: ${DEFAULT-VALUE}).")
  long maxExemplars;

  // picocli derives no --no- form for names with a dot: the negations are options of their own.
  @Option(
      names = "--tsdb.wal-compression",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      description = "Compress the tsdb WAL with snappy (default: ${DEFAULT-VALUE}).")
  boolean walCompression;

  @Option(names = "--no-tsdb.wal-compression", arity = "0", hidden = true)
  boolean noWalCompression;

  @Option(
      names = "--tsdb.wal-fsync",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Sluice only: acknowledge a write only after the WAL was fsynced (group commit: one"
              + " fsync serves all requests waiting for it). Off: acknowledge once the write"
              + " reached the OS, as Thanos and Prometheus do (default: ${DEFAULT-VALUE}).")
  boolean walFsync;

  @Option(names = "--no-tsdb.wal-fsync", arity = "0", hidden = true)
  boolean noWalFsync;

  @Option(
      names = "--tsdb.min-block-duration",
      defaultValue = "2h",
      hidden = true,
      description = "Duration of the blocks cut from the head, and the head's chunk range.")
  String minBlockDuration;

  @Option(
      names = "--tsdb.max-block-duration",
      defaultValue = "2h",
      hidden = true,
      description = "How often the head is checked for blocks to cut, at most.")
  String maxBlockDuration;

  @Option(
      names = "--tsdb.retention",
      defaultValue = "15d",
      description =
          "How long to retain raw samples on local storage; 0d disables (default:"
              + " ${DEFAULT-VALUE}).")
  String retention;

  @Option(
      names = "--remote-write.max-body-bytes",
      defaultValue = MIB_32,
      description =
          "Sluice only: largest compressed remote-write body; larger ones get 413 before they are"
              + " read (default: ${DEFAULT-VALUE}).")
  int maxBodyBytes;

  @Option(
      names = "--remote-write.max-decoded-bytes",
      defaultValue = MIB_128,
      description =
          "Sluice only: largest decoded remote-write body; checked against the declared snappy"
              + " length before anything is allocated (default: ${DEFAULT-VALUE}).")
  int maxDecodedBytes;

  @Option(
      names = "--receive.memory.new-series-limit",
      defaultValue = "0.60",
      description =
          "Sluice only: when live data (measured after garbage collection) takes this fraction of"
              + " the maximum heap, writes that would create series get 503 with Retry-After until"
              + " it is 0.05 lower; writes of existing series go on. 0 disables (default:"
              + " ${DEFAULT-VALUE}).")
  double memoryNewSeriesLimit;

  @Option(
      names = "--receive.memory.writes-limit",
      defaultValue = "0.85",
      description =
          "Sluice only: when live data takes this fraction of the maximum heap, every write gets"
              + " 503 with Retry-After until it is 0.05 lower. 0 disables (default:"
              + " ${DEFAULT-VALUE}).")
  double memoryWritesLimit;

  @Option(
      names = "--remote-write.max-inflight-body-bytes",
      defaultValue = "auto",
      description =
          "Sluice only: request bodies held at once by the remote-write listener; a request whose"
              + " Content-Length does not fit gets 503 before its body is read. auto: 1/32 of the"
              + " maximum heap; 0: no limit (default: ${DEFAULT-VALUE}).")
  String maxInflightBodyBytes;

  @Option(
      names = "--objstore.config-file",
      paramLabel = "<file-path>",
      description =
          "Path to YAML file that contains object store configuration. Without it and without"
              + " --objstore.config, blocks go to a filesystem bucket in <tsdb.path>/.bucket.")
  Path objstoreConfigFile;

  @Option(
      names = "--objstore.config",
      paramLabel = "<content>",
      description =
          "Alternative to 'objstore.config-file' flag (mutually exclusive). Content of YAML file"
              + " that contains object store configuration.")
  String objstoreConfig;

  @Option(
      names = "--shipper.skip-corrupted-blocks",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Skip blocks whose meta.json cannot be read instead of failing the upload pass"
              + " (default: ${DEFAULT-VALUE}).")
  boolean shipperSkipCorruptedBlocks;

  @Option(names = "--no-shipper.skip-corrupted-blocks", arity = "0", hidden = true)
  boolean noShipperSkipCorruptedBlocks;

  @Option(
      names = "--receive.hashrings-file",
      description = "Path to a file with the hashring configuration (JSON), watched for changes.")
  Path hashringsFile;

  @Option(
      names = "--receive.hashrings",
      description = "The hashring configuration (JSON), instead of --receive.hashrings-file.")
  String hashrings;

  @Option(
      names = "--receive.hashrings-algorithm",
      defaultValue = "hashmod",
      description = "The algorithm of rings that name none: hashmod or ketama.")
  String hashringsAlgorithm;

  @Option(
      names = "--receive.hashrings-file-refresh-interval",
      defaultValue = "5m",
      description = "How often the hashring file is re-read besides file events.")
  String hashringsRefresh;

  @Option(
      names = "--receive.local-endpoint",
      defaultValue = "",
      description = "This receiver's address in the hashring (host:port of its gRPC listener).")
  String localEndpoint;

  @Option(
      names = "--receive.replication-factor",
      defaultValue = "1",
      description = "How many receivers store each series.")
  int replicationFactor;

  @Option(
      names = "--receive.replication-protocol",
      defaultValue = "protobuf",
      description = "The peer protocol: protobuf (capnproto is not supported by Sluice).")
  String replicationProtocol;

  @Option(
      names = "--receive.grpc-compression",
      defaultValue = "snappy",
      description = "Compression of forwards to peers: snappy or none.")
  String grpcCompression;

  @Option(
      names = "--receive.forward.async-workers",
      defaultValue = "5",
      description = "Concurrent forwards per peer.")
  int asyncWorkers;

  @Option(
      names = "--receive.split-tenant-label-name",
      defaultValue = "",
      description = "Label whose value names the tenant of a series (removed from the series).")
  String splitTenantLabelName;

  @Option(
      names = "--receive.relabel-config-file",
      paramLabel = "<file-path>",
      description =
          "Path to YAML file that contains relabeling configuration (Prometheus relabel_configs,"
              + " applied to remote-write series before they are placed and stored).")
  Path relabelConfigFile;

  @Option(
      names = "--receive.relabel-config",
      paramLabel = "<content>",
      description =
          "Alternative to 'receive.relabel-config-file' flag (mutually exclusive). Content of"
              + " YAML file that contains relabeling configuration.")
  String relabelConfig;

  @Option(
      names = "--receive.otlp-enable-target-info",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Translate each OTLP resource into a target_info series carrying its attributes"
              + " (default: ${DEFAULT-VALUE}).")
  boolean otlpEnableTargetInfo;

  @Option(names = "--no-receive.otlp-enable-target-info", arity = "0", hidden = true)
  boolean noOtlpEnableTargetInfo;

  @Option(
      names = "--receive.otlp-promote-resource-attributes",
      paramLabel = "<attribute>",
      description = "Resource attribute copied onto every series of an OTLP resource; repeatable.")
  List<String> otlpPromoteResourceAttributes = new ArrayList<>();

  @Option(
      names = "--receive-forward-timeout",
      defaultValue = "5s",
      description = "Deadline of a replicated write, detached from the client's.")
  String forwardTimeout;

  @Option(
      names = "--receive-forward-max-backoff",
      defaultValue = "5s",
      description = "Longest back-off of a peer that failed.")
  String forwardMaxBackoff;

  @Option(
      names = "--receive.limits-config-file",
      paramLabel = "<file-path>",
      description =
          "Path to YAML file that contains limit configuration (Thanos' limits: request size,"
              + " series and samples, head series, write concurrency). Re-read when it changes.")
  Path limitsConfigFile;

  @Option(
      names = "--receive.limits-config",
      paramLabel = "<content>",
      description =
          "Alternative to 'receive.limits-config-file' flag (mutually exclusive). Content of YAML"
              + " file that contains limit configuration; never reloaded.")
  String limitsConfig;

  @Option(
      names = "--receive.limits-config-reload-timer",
      defaultValue = "1s",
      description =
          "How often the limits file is re-read; it is reloaded when its content changed (default:"
              + " ${DEFAULT-VALUE}).")
  String limitsReloadTimer;

  @Option(
      names = "--log.level",
      defaultValue = "info",
      description = "Log filtering level: debug, info, warn, error (default: ${DEFAULT-VALUE}).")
  String logLevel;

  @Option(
      names = "--log.format",
      defaultValue = "logfmt",
      description = "Log format: logfmt or json (default: ${DEFAULT-VALUE}).")
  String logFormat;

  /**
   * Creates the command.
   *
   * @param runner runs the receiver with the parsed configuration and returns the exit code
   */
  public ReceiveCommand(Function<ReceiveConfig, Integer> runner) {
    this.runner = runner;
  }

  /**
   * Builds a command line for {@code receive} with the not-yet-implemented Thanos flags added as
   * hidden options.
   */
  public static CommandLine commandLine(Function<ReceiveConfig, Integer> runner) {
    CommandLine cl = new CommandLine(new ReceiveCommand(runner));
    addThanosFlags(cl.getCommandSpec());
    return cl;
  }

  /** Adds the accepted-but-ignored Thanos flags to {@code spec}. */
  public static void addThanosFlags(CommandSpec spec) {
    for (String name : ThanosFlags.BOOLEAN) {
      spec.addOption(
          OptionSpec.builder(name, "--no-" + name.substring(2))
              .type(boolean.class)
              .arity("0..1")
              .hidden(true)
              .build());
    }
    for (String name : ThanosFlags.VALUED) {
      spec.addOption(
          OptionSpec.builder(name)
              .type(List.class)
              .auxiliaryTypes(String.class)
              .arity("1")
              .hidden(true)
              .build());
    }
  }

  @Override
  public Integer call() {
    return runner.apply(toConfig());
  }

  /** Validates the parsed flags; every error names its flag. */
  ReceiveConfig toConfig() {
    Map<String, String> ext = new TreeMap<>();
    for (String l : labels) {
      String[] nv = parse("--label", l, LabelFlag::parse);
      ext.put(nv[0], nv[1]);
    }
    if (ext.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "no external labels configured for receive, uniquely identifying external labels must be"
              + " configured (ideally with `receive_` prefix); see --label");
    }
    if (tenantLabelName.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--receive.tenant-label-name must not be empty");
    }
    try {
      TenantValidator.validate(defaultTenant);
    } catch (InvalidTenantException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--receive.default-tenant-id is not a valid tenant name (it names a directory under"
              + " --tsdb.path): \""
              + defaultTenant
              + "\"");
    }
    if (!Set.of("debug", "info", "warn", "error").contains(logLevel)) {
      throw new ParameterException(
          spec.commandLine(),
          "--log.level must be one of debug, info, warn, error: \"" + logLevel + "\"");
    }
    if (!Set.of("logfmt", "json").contains(logFormat)) {
      throw new ParameterException(
          spec.commandLine(), "--log.format must be logfmt or json: \"" + logFormat + "\"");
    }
    if (maxBodyBytes <= 0 || maxDecodedBytes <= 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--remote-write.max-body-bytes and --remote-write.max-decoded-bytes must be positive");
    }
    if (replicationProtocol.equals("capnproto")) {
      throw new ParameterException(
          spec.commandLine(),
          "--receive.replication-protocol=capnproto is not supported by Sluice; use protobuf (the"
              + " default), which Thanos receivers accept as well");
    }
    if (!replicationProtocol.equals("protobuf")) {
      throw new ParameterException(
          spec.commandLine(),
          "--receive.replication-protocol must be protobuf or capnproto: \""
              + replicationProtocol
              + "\"");
    }
    ReplicationConfig replication;
    try {
      replication =
          new ReplicationConfig(
              hashringsFile,
              hashrings == null || hashrings.isEmpty() ? null : hashrings,
              io.sluice.hashring.HashringAlgorithm.fromFlag(hashringsAlgorithm),
              parse(
                  "--receive.hashrings-file-refresh-interval",
                  hashringsRefresh,
                  Durations::parseMillis),
              localEndpoint,
              replicationFactor,
              parse("--receive-forward-timeout", forwardTimeout, Durations::parseMillis),
              parse("--receive-forward-max-backoff", forwardMaxBackoff, Durations::parseMillis),
              asyncWorkers,
              grpcCompression,
              splitTenantLabelName);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Set<String> ignored = new LinkedHashSet<>();
    for (OptionSpec o : spec.options()) {
      if (o.hidden()
          && !o.longestName().startsWith("--no-tsdb.wal-")
          && !o.longestName().equals("--no-shipper.skip-corrupted-blocks")
          && !o.longestName().equals("--no-receive.otlp-enable-target-info")
          && !o.longestName().endsWith("-block-duration")
          && spec.commandLine().getParseResult().hasMatchedOption(o)) {
        ignored.add(o.names()[0]);
      }
    }
    ReceiveConfig.Addresses addresses =
        new ReceiveConfig.Addresses(
            parse("--remote-write.address", remoteWriteAddress, HostPort::parse),
            parse("--http-address", httpAddress, HostPort::parse),
            parse("--grpc-address", grpcAddress, HostPort::parse));
    long tooFarInFutureMs =
        parse("--tsdb.too-far-in-future.time-window", tooFarInFuture, Durations::parseMillis);
    long oooTimeWindowMs =
        parse("--tsdb.out-of-order.time-window", oooTimeWindow, Durations::parseMillis);
    int oooCapMaxValue =
        parse("--tsdb.out-of-order.cap-max", oooCapMax, ReceiveCommand::parseCapMax);
    long minBlockMs = parse("--tsdb.min-block-duration", minBlockDuration, Durations::parseMillis);
    long maxBlockMs = parse("--tsdb.max-block-duration", maxBlockDuration, Durations::parseMillis);
    long retentionMs = parse("--tsdb.retention", retention, Durations::parseMillis);
    // Every flag is parsed (and its error reported) before the groups validate their values.
    ReceiveConfig.Shipper shipper =
        new ReceiveConfig.Shipper(
            objstore(), shipperSkipCorruptedBlocks && !noShipperSkipCorruptedBlocks);
    LimitsFlags limits = limits();
    RelabelConfigs relabel = relabel();
    MemoryConfig memory = memory();
    return new ReceiveConfig(
        addresses,
        ext,
        new ReceiveConfig.Tenancy(tenantHeader, defaultTenant, tenantLabelName),
        new ReceiveConfig.Tsdb(
            tsdbPath,
            tooFarInFutureMs,
            oooTimeWindowMs,
            oooCapMaxValue,
            walCompression && !noWalCompression,
            walFsync && !noWalFsync,
            minBlockMs,
            maxBlockMs,
            retentionMs,
            Math.max(0, maxExemplars)),
        new ReceiveConfig.RequestBounds(maxBodyBytes, maxDecodedBytes),
        new ReceiveConfig.Log(logLevel, logFormat),
        new ArrayList<>(ignored),
        shipper,
        replication,
        limits,
        relabel,
        memory,
        new OtlpSettings(
            otlpEnableTargetInfo && !noOtlpEnableTargetInfo,
            otlpPromoteResourceAttributes.stream().filter(a -> !a.isEmpty()).toList()));
  }

  // As the objstore flags: both is an error; neither, or empty inline content, means no limits.
  private LimitsFlags limits() {
    long every =
        parse("--receive.limits-config-reload-timer", limitsReloadTimer, Durations::parseMillis);
    if (every <= 0) {
      throw new ParameterException(
          spec.commandLine(), "--receive.limits-config-reload-timer must be positive");
    }
    String yaml = limitsConfig;
    String flag = "--receive.limits-config";
    if (limitsConfigFile != null) {
      if (limitsConfig != null && !limitsConfig.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(),
            "both --receive.limits-config-file and --receive.limits-config are set; give one of"
                + " them");
      }
      flag = "--receive.limits-config-file";
      try {
        yaml = Files.readString(limitsConfigFile);
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(),
            "cannot read --receive.limits-config-file " + limitsConfigFile + ": " + e);
      }
    } else if (yaml == null || yaml.isEmpty()) {
      return null;
    }
    try {
      return new LimitsFlags(limitsConfigFile, LimitsConfig.parse(yaml), every);
    } catch (LimitsConfigException e) {
      throw new ParameterException(
          spec.commandLine(), "invalid " + flag + ": parse limit configuration: " + e.getMessage());
    }
  }

  // As Thanos' --receive.relabel-config(-file): path or content, $(VAR) substituted.
  private RelabelConfigs relabel() {
    String flag =
        relabelConfigFile != null ? "--receive.relabel-config-file" : "--receive.relabel-config";
    String yaml;
    try {
      yaml =
          PathOrContent.read(
              "--receive.relabel-config", relabelConfigFile, relabelConfig, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      return RelabelConfigs.parse(yaml);
    } catch (RelabelConfigException e) {
      throw new ParameterException(spec.commandLine(), "invalid " + flag + ": " + e.getMessage());
    }
  }

  private MemoryConfig memory() {
    checkHeapFraction("--receive.memory.new-series-limit", memoryNewSeriesLimit);
    checkHeapFraction("--receive.memory.writes-limit", memoryWritesLimit);
    if (memoryNewSeriesLimit > 0
        && memoryWritesLimit > 0
        && memoryWritesLimit < memoryNewSeriesLimit) {
      throw new ParameterException(
          spec.commandLine(),
          "--receive.memory.writes-limit ("
              + memoryWritesLimit
              + ") must not be below --receive.memory.new-series-limit ("
              + memoryNewSeriesLimit
              + ")");
    }
    MemoryLimits limits = new MemoryLimits(memoryNewSeriesLimit, memoryWritesLimit);
    long budget =
        maxInflightBodyBytes.equals("auto")
            ? MemoryConfig.AUTO
            : parse(
                "--remote-write.max-inflight-body-bytes",
                maxInflightBodyBytes,
                ReceiveCommand::parseBytes);
    return new MemoryConfig(limits, budget);
  }

  private void checkHeapFraction(String flag, double v) {
    if (!(v == 0 || (v > MemoryLimits.HYSTERESIS && v < 1))) {
      throw new ParameterException(
          spec.commandLine(),
          flag + " must be 0 (off) or a fraction of the heap in (0.05, 1): " + v);
    }
  }

  private static long parseBytes(String value) {
    long v;
    try {
      v = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a byte count or auto: \"" + value + "\"");
    }
    if (v < 0) {
      throw new IllegalArgumentException("must be >= 0: " + v);
    }
    return v;
  }

  // As Thanos' path-or-content flags: both is an error, neither (or empty) means no configuration.
  private BucketConfig objstore() {
    String yaml = objstoreConfig;
    String flag = "--objstore.config";
    if (objstoreConfigFile != null) {
      if (objstoreConfig != null && !objstoreConfig.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(),
            "both --objstore.config-file and --objstore.config are set; give one of them");
      }
      flag = "--objstore.config-file";
      try {
        yaml = Files.readString(objstoreConfigFile);
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(),
            "cannot read --objstore.config-file " + objstoreConfigFile + ": " + e);
      }
    }
    if (yaml == null || yaml.isBlank()) {
      return null;
    }
    try {
      return BucketConfig.parse(yaml);
    } catch (BucketConfigException e) {
      throw new ParameterException(spec.commandLine(), "invalid " + flag + ": " + e.getMessage());
    }
  }

  // Prometheus: 0 or less means the default; above 255 fails at startup.
  private static int parseCapMax(String value) {
    long v;
    try {
      v = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer: \"" + value + "\"");
    }
    if (v > HeadOptions.MAX_OOO_CAP_MAX) {
      throw new IllegalArgumentException("must be at most 255: " + v);
    }
    return v <= 0 ? HeadOptions.DEFAULT_OOO_CAP_MAX : (int) v;
  }

  private <T> T parse(String flag, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "invalid value for " + flag + ": " + e.getMessage());
    }
  }
}
