// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.objstore.BucketType;
import io.sluice.objstore.S3Config;
import io.sluice.receiver.admission.MemoryLimits;
import io.sluice.server.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReceiveCommandTest {
  private final AtomicReference<ReceiveConfig> seen = new AtomicReference<>();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl =
        ReceiveCommand.commandLine(
            cfg -> {
              seen.set(cfg);
              return 0;
            });
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void usesThanosDefaults() {
    assertThat(run("--label=replica=\"a\"")).isZero();
    ReceiveConfig c = seen.get();
    assertThat(c.addresses().remoteWrite()).isEqualTo(new HostPort("0.0.0.0", 19291));
    assertThat(c.addresses().http()).isEqualTo(new HostPort("0.0.0.0", 10902));
    assertThat(c.addresses().grpc()).isEqualTo(new HostPort("0.0.0.0", 10901));
    assertThat(c.tsdb().path()).isEqualTo(Path.of("./data"));
    assertThat(c.tenancy().header()).isEqualTo("THANOS-TENANT");
    assertThat(c.tenancy().defaultTenant()).isEqualTo("default-tenant");
    assertThat(c.tenancy().labelName()).isEqualTo("tenant_id");
    assertThat(c.tsdb().tooFarInFutureMs()).isZero();
    assertThat(c.tsdb().oooTimeWindowMs()).isZero();
    assertThat(c.tsdb().oooCapMax()).isEqualTo(32);
    assertThat(c.log().level()).isEqualTo("info");
    assertThat(c.log().format()).isEqualTo("logfmt");
    assertThat(c.externalLabels()).isEqualTo(Map.of("replica", "a"));
    assertThat(c.ignoredFlags()).isEmpty();
  }

  @Test
  void defaultsAreWhatTheCommandParsesWithoutFlags() {
    assertThat(run("--label=replica=\"a\"")).isZero();
    assertThat(seen.get())
        .isEqualTo(
            ReceiveConfig.defaults(Path.of("./data")).withExternalLabels(Map.of("replica", "a")));
  }

  @Test
  void acceptsBothFlagForms() {
    assertThat(
            run(
                "--remote-write.address",
                "127.0.0.1:1234",
                "--http-address=127.0.0.1:0",
                "--tsdb.path",
                "/tmp/x",
                "--label",
                "a=\"1\"",
                "--label=b=\"two words\"",
                "--tsdb.too-far-in-future.time-window=1h30m"))
        .isZero();
    ReceiveConfig c = seen.get();
    assertThat(c.addresses().remoteWrite()).isEqualTo(new HostPort("127.0.0.1", 1234));
    assertThat(c.addresses().http().port()).isZero();
    assertThat(c.tsdb().path()).isEqualTo(Path.of("/tmp/x"));
    assertThat(c.externalLabels()).containsEntry("a", "1").containsEntry("b", "two words");
    assertThat(c.tsdb().tooFarInFutureMs()).isEqualTo(5_400_000);
  }

  @Test
  void startsWithAKubeThanosArgumentListAndWarnsAboutUnimplementedFlags() {
    assertThat(
            run(
                "--log.level=info",
                "--log.format=logfmt",
                "--grpc-address=0.0.0.0:10901",
                "--http-address=0.0.0.0:10902",
                "--remote-write.address=0.0.0.0:19291",
                "--receive.replication-factor=1",
                "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: /var/thanos/bucket",
                "--tsdb.path=/var/thanos/receive",
                "--tsdb.retention",
                "15d",
                "--label=replica=\"thanos-receive-0\"",
                "--label=receive=\"true\"",
                "--receive.local-endpoint=thanos-receive-0.thanos-receive.svc:10901",
                "--receive.hashrings-file=/var/lib/thanos-receive/hashrings.json",
                "--tsdb.wal-compression",
                "--no-tsdb.no-lockfile",
                "--enable-feature=metric-names-filter"))
        .as(err.toString())
        .isZero();
    assertThat(seen.get().ignoredFlags())
        .containsExactlyInAnyOrder("--tsdb.no-lockfile", "--enable-feature");
    ReplicationConfig r = seen.get().replication();
    assertThat(r.hashringsFile()).isEqualTo(Path.of("/var/lib/thanos-receive/hashrings.json"));
    assertThat(r.localEndpoint()).isEqualTo("thanos-receive-0.thanos-receive.svc:10901");
    assertThat(r.mode()).isEqualTo(io.sluice.hashring.replication.ReceiveMode.ROUTER_INGESTOR);
  }

  @Test
  void otlpFlagsHaveThanosNamesAndDefaults() {
    assertThat(run("--label=a=\"1\"")).isZero();
    assertThat(seen.get().otlp())
        .isEqualTo(io.sluice.receiver.otlp.OtlpSettings.DEFAULTS)
        .isEqualTo(new io.sluice.receiver.otlp.OtlpSettings(true, List.of()));
    assertThat(
            run(
                "--label=a=\"1\"",
                "--no-receive.otlp-enable-target-info",
                "--receive.otlp-promote-resource-attributes=k8s.namespace.name",
                "--receive.otlp-promote-resource-attributes",
                "cloud.region"))
        .as(err.toString())
        .isZero();
    assertThat(seen.get().otlp())
        .isEqualTo(
            new io.sluice.receiver.otlp.OtlpSettings(
                false, List.of("k8s.namespace.name", "cloud.region")));
    assertThat(seen.get().ignoredFlags()).isEmpty();
    assertThat(run("--label=a=\"1\"", "--receive.otlp-enable-target-info=false")).isZero();
    assertThat(seen.get().otlp().targetInfo()).isFalse();
  }

  @Test
  void replicationFlagsHaveThanosDefaults() {
    assertThat(run("--label=a=\"1\"")).isZero();
    ReplicationConfig r = seen.get().replication();
    assertThat(r).isEqualTo(ReplicationConfig.none());
    assertThat(r.replicationFactor()).isEqualTo(1);
    assertThat(r.forwardTimeoutMs()).isEqualTo(5_000);
    assertThat(r.forwardMaxBackoffMs()).isEqualTo(5_000);
    assertThat(r.asyncWorkers()).isEqualTo(5);
    assertThat(r.refreshIntervalMs()).isEqualTo(300_000);
    assertThat(r.grpcCompression()).isEqualTo("snappy");
    assertThat(r.algorithm()).isEqualTo(io.sluice.hashring.HashringAlgorithm.HASHMOD);
    assertThat(r.mode()).isEqualTo(io.sluice.hashring.replication.ReceiveMode.INGESTOR_ONLY);

    assertThat(run("--label=a=\"1\"", "--receive.hashrings=[]")).isZero();
    assertThat(seen.get().replication().mode())
        .isEqualTo(io.sluice.hashring.replication.ReceiveMode.ROUTER_ONLY);
  }

  @Test
  void badReplicationFlagsStopTheStartNamingTheFlag() {
    assertThat(run("--label=a=\"1\"", "--receive.replication-protocol=capnproto")).isEqualTo(2);
    assertThat(err.toString()).contains("capnproto is not supported by Sluice");
    assertThat(run("--label=a=\"1\"", "--receive.hashrings-algorithm=rendezvous")).isEqualTo(2);
    assertThat(err.toString()).contains("hashmod or ketama");
    assertThat(run("--label=a=\"1\"", "--receive.grpc-compression=gzip")).isEqualTo(2);
    assertThat(err.toString()).contains("--receive.grpc-compression");
    assertThat(
            run(
                "--label=a=\"1\"",
                "--receive.hashrings=[]",
                "--receive.hashrings-file=/tmp/hashrings.json"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("both file and content are set");
  }

  @Test
  void theObjstoreConfigurationIsParsedFromTheFlagOrTheFile(@TempDir Path dir) throws Exception {
    assertThat(run("--label=a=\"1\"")).isZero();
    assertThat(seen.get().shipper().bucket()).isNull();
    String yaml =
        "type: S3\nconfig:\n  bucket: thanos-cluster-01\n  endpoint: minio:9000\n"
            + "  access_key: minio\n  secret_key: minio123\n  insecure: true\n";
    assertThat(run("--label=a=\"1\"", "--objstore.config=" + yaml)).as(err.toString()).isZero();
    assertThat(seen.get().shipper().bucket().type()).isEqualTo(BucketType.S3);
    assertThat(((S3Config) seen.get().shipper().bucket().config()).bucket())
        .isEqualTo("thanos-cluster-01");
    assertThat(seen.get().ignoredFlags()).isEmpty();

    Path file = Files.writeString(dir.resolve("objstore.yml"), yaml);
    assertThat(run("--label=a=\"1\"", "--objstore.config-file=" + file)).isZero();
    assertThat(((S3Config) seen.get().shipper().bucket().config()).endpoint())
        .isEqualTo("minio:9000");
  }

  @Test
  void aBadObjstoreConfigurationFailsNamingTheFlagAndTheKey(@TempDir Path dir) throws Exception {
    assertThat(
            run(
                "--label=a=\"1\"",
                "--objstore.config=type: S3\nconfig:\n  bucket: b\n  endpoint: h:9000\n"
                    + "  sekret_key: x\n"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("invalid --objstore.config").contains("sekret_key");

    Path file = Files.writeString(dir.resolve("o.yml"), "type: S3\nconfig: {}\n");
    assertThat(run("--label=a=\"1\"", "--objstore.config-file=" + file)).isEqualTo(2);
    assertThat(err.toString()).contains("invalid --objstore.config-file");

    assertThat(run("--label=a=\"1\"", "--objstore.config-file=" + dir.resolve("missing.yml")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("cannot read --objstore.config-file");

    assertThat(
            run(
                "--label=a=\"1\"",
                "--objstore.config-file=" + file,
                "--objstore.config=type: FILESYSTEM"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("both --objstore.config-file and --objstore.config");
  }

  @Test
  void theLimitsConfigurationIsReadFromTheFlagOrTheFile(@TempDir Path dir) throws Exception {
    assertThat(run("--label=a=\"1\"")).isZero();
    assertThat(seen.get().limits()).isNull();
    assertThat(run("--label=a=\"1\"", "--receive.limits-config=")).isZero();
    assertThat(seen.get().limits()).isNull();

    String yaml = "write:\n  default:\n    request:\n      series_limit: 7\n";
    assertThat(run("--label=a=\"1\"", "--receive.limits-config=" + yaml))
        .as(err.toString())
        .isZero();
    LimitsFlags l = seen.get().limits();
    assertThat(l.file()).isNull();
    assertThat(l.initial().defaults().series()).isEqualTo(7);
    assertThat(l.reloadIntervalMs()).isEqualTo(1_000);
    assertThat(seen.get().ignoredFlags()).isEmpty();

    Path file = Files.writeString(dir.resolve("limits.yml"), yaml);
    assertThat(
            run(
                "--label=a=\"1\"",
                "--receive.limits-config-file=" + file,
                "--receive.limits-config-reload-timer=250ms"))
        .isZero();
    l = seen.get().limits();
    assertThat(l.file()).isEqualTo(file);
    assertThat(l.initial().defaults().series()).isEqualTo(7);
    assertThat(l.reloadIntervalMs()).isEqualTo(250);
    assertThat(seen.get().ignoredFlags()).isEmpty();

    // An empty file: no limits now, but watched.
    Path empty = Files.writeString(dir.resolve("empty.yml"), "");
    assertThat(run("--label=a=\"1\"", "--receive.limits-config-file=" + empty)).isZero();
    assertThat(seen.get().limits().initial())
        .isEqualTo(io.sluice.receiver.limits.LimitsConfig.NONE);
  }

  @Test
  void aBadLimitsConfigurationStopsTheStartNamingTheFlagAndTheKey(@TempDir Path dir)
      throws Exception {
    assertThat(run("--label=a=\"1\"", "--receive.limits-config=write: {default: {heads: 1}}"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("invalid --receive.limits-config: parse limit configuration")
        .contains("unknown key 'write.default.heads'");

    Path file = Files.writeString(dir.resolve("limits.yml"), "write: [");
    assertThat(run("--label=a=\"1\"", "--receive.limits-config-file=" + file)).isEqualTo(2);
    assertThat(err.toString()).contains("invalid --receive.limits-config-file").contains("YAML");

    assertThat(run("--label=a=\"1\"", "--receive.limits-config-file=" + dir.resolve("missing.yml")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("cannot read --receive.limits-config-file");

    assertThat(
            run(
                "--label=a=\"1\"",
                "--receive.limits-config-file=" + file,
                "--receive.limits-config=write: {}"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("both --receive.limits-config-file and --receive.limits-config are set");

    assertThat(run("--label=a=\"1\"", "--receive.limits-config-reload-timer=0s")).isEqualTo(2);
    assertThat(err.toString()).contains("--receive.limits-config-reload-timer must be positive");
  }

  @Test
  void theRelabelConfigurationComesFromTheFlagOrTheFile(@TempDir Path dir) throws Exception {
    assertThat(run("--label=a=\"1\"")).isZero();
    assertThat(seen.get().relabel().isEmpty()).isTrue();
    String yaml =
        """
        - source_labels: [__name__]
          regex: "go_.*"
          action: drop
        - {regex: pod, action: labeldrop}
        """;
    assertThat(run("--label=a=\"1\"", "--receive.relabel-config=" + yaml))
        .as(err.toString())
        .isZero();
    assertThat(seen.get().relabel().configs()).hasSize(2);
    assertThat(seen.get().relabel().configs().get(0).action())
        .isEqualTo(io.sluice.receiver.relabel.RelabelAction.DROP);
    assertThat(seen.get().ignoredFlags()).isEmpty();

    Path file = Files.writeString(dir.resolve("relabel.yml"), yaml);
    assertThat(run("--label=a=\"1\"", "--receive.relabel-config-file", file.toString())).isZero();
    assertThat(seen.get().relabel().configs()).hasSize(2);
  }

  @Test
  void aBadRelabelConfigurationStopsTheStartNamingTheFlagAndTheProblem(@TempDir Path dir)
      throws Exception {
    assertThat(run("--label=a=\"1\"", "--receive.relabel-config=- [not: a rule")).isEqualTo(2);
    assertThat(err.toString())
        .contains("invalid --receive.relabel-config: parsing relabel configuration");
    Path file =
        Files.writeString(
            dir.resolve("r.yml"), "- {source_labels: [a], regex: '(x', action: keep}");
    assertThat(run("--label=a=\"1\"", "--receive.relabel-config-file=" + file)).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "invalid --receive.relabel-config-file: parsing relabel configuration: invalid regex \"(x\"");
    assertThat(
            run(
                "--label=a=\"1\"",
                "--receive.relabel-config=- {source_labels: [a], target_label: h, action: hashmod}"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "validate relabel config: relabel configuration for hashmod requires non-zero modulus");
    assertThat(
            run(
                "--label=a=\"1\"",
                "--receive.relabel-config-file=" + file,
                "--receive.relabel-config=- {action: drop}"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("both --receive.relabel-config-file and --receive.relabel-config are set");
    assertThat(run("--label=a=\"1\"", "--receive.relabel-config-file=" + dir.resolve("no.yml")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("cannot read --receive.relabel-config-file");
    assertThat(
            run(
                "--label=a=\"1\"",
                "--receive.relabel-config=- {target_label: t, replacement: $(SLUICE_TEST_UNSET_VAR)}"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("found reference to unset environment variable \"SLUICE_TEST_UNSET_VAR\"");
  }

  @Test
  void pathOrContentSubstitutesEnvironmentVariablesAsThanos() {
    Map<String, String> env = Map.of("ZONE", "eu-1", "X_2", "y");
    assertThat(
            PathOrContent.read(
                "--receive.relabel-config",
                null,
                "a: $(ZONE) $(X_2) $() $(no-var) $$(ZONE) $(ZONE",
                env))
        .isEqualTo("a: eu-1 y $() $(no-var) $eu-1 $(ZONE");
    assertThat(PathOrContent.read("--receive.relabel-config", null, null, env)).isEmpty();
  }

  @Test
  void skipCorruptedBlocksIsARealOption() {
    assertThat(run("--label=a=\"1\"")).isZero();
    assertThat(seen.get().shipper().skipCorruptedBlocks()).isFalse();
    assertThat(run("--label=a=\"1\"", "--shipper.skip-corrupted-blocks")).isZero();
    assertThat(seen.get().shipper().skipCorruptedBlocks()).isTrue();
    assertThat(seen.get().ignoredFlags()).isEmpty();
    assertThat(
            run(
                "--label=a=\"1\"",
                "--shipper.skip-corrupted-blocks",
                "--no-shipper.skip-corrupted-blocks"))
        .isZero();
    assertThat(seen.get().shipper().skipCorruptedBlocks()).isFalse();
  }

  @Test
  void outOfOrderWindowAndCapMaxAreRealOptionsNotIgnoredFlags() {
    assertThat(
            run(
                "--label=a=\"1\"",
                "--tsdb.out-of-order.time-window=30m",
                "--tsdb.out-of-order.cap-max=64"))
        .as(err.toString())
        .isZero();
    ReceiveConfig c = seen.get();
    assertThat(c.tsdb().oooTimeWindowMs()).isEqualTo(1_800_000);
    assertThat(c.tsdb().oooCapMax()).isEqualTo(64);
    assertThat(c.ignoredFlags()).isEmpty();
    assertThat(run("--label=a=\"1\"", "--tsdb.out-of-order.cap-max=0")).isZero();
    assertThat(seen.get().tsdb().oooCapMax()).isEqualTo(32);
  }

  @Test
  void maxExemplarsIsARealOptionOffByDefaultAndNegativeMeansOff() {
    assertThat(run("--label=a=\"1\"")).as(err.toString()).isZero();
    assertThat(seen.get().tsdb().maxExemplars()).isZero();
    assertThat(run("--label=a=\"1\"", "--tsdb.max-exemplars=1000")).as(err.toString()).isZero();
    assertThat(seen.get().tsdb().maxExemplars()).isEqualTo(1000);
    assertThat(seen.get().ignoredFlags()).isEmpty();
    assertThat(run("--label=a=\"1\"", "--tsdb.max-exemplars", "-5")).as(err.toString()).isZero();
    assertThat(seen.get().tsdb().maxExemplars()).isZero();
    assertThat(run("--label=a=\"1\"", "--tsdb.max-exemplars=lots")).isEqualTo(2);
    assertThat(err.toString()).contains("--tsdb.max-exemplars");
  }

  @Test
  void blockDurationsAndRetentionAreRealOptionsWithThanosDefaults() {
    assertThat(run("--label=a=\"1\"")).as(err.toString()).isZero();
    assertThat(seen.get().tsdb().minBlockDurationMs()).isEqualTo(7_200_000);
    assertThat(seen.get().tsdb().maxBlockDurationMs()).isEqualTo(7_200_000);
    assertThat(seen.get().tsdb().retentionMs()).isEqualTo(15 * 86_400_000L);
    assertThat(
            run(
                "--label=a=\"1\"",
                "--tsdb.min-block-duration=10s",
                "--tsdb.max-block-duration=10s",
                "--tsdb.retention=1h"))
        .as(err.toString())
        .isZero();
    assertThat(seen.get().tsdb().minBlockDurationMs()).isEqualTo(10_000);
    assertThat(seen.get().tsdb().retentionMs()).isEqualTo(3_600_000);
    assertThat(seen.get().ignoredFlags()).isEmpty();
    assertThat(run("--label=a=\"1\"", "--tsdb.retention=soon")).isEqualTo(2);
    assertThat(err.toString()).contains("--tsdb.retention");
  }

  @Test
  void rejectsAMalformedOutOfOrderWindowOrCapMaxNamingTheFlag() {
    assertThat(run("--label=a=\"1\"", "--tsdb.out-of-order.time-window=later")).isEqualTo(2);
    assertThat(err.toString()).contains("--tsdb.out-of-order.time-window");
    assertThat(run("--label=a=\"1\"", "--tsdb.out-of-order.cap-max=256")).isEqualTo(2);
    assertThat(err.toString()).contains("--tsdb.out-of-order.cap-max").contains("255");
    assertThat(run("--label=a=\"1\"", "--tsdb.out-of-order.cap-max=many")).isEqualTo(2);
    assertThat(err.toString()).contains("invalid value for --tsdb.out-of-order.cap-max");
  }

  @Test
  void walCompressionIsOnByDefaultAndTurnedOffByItsNoForm() {
    assertThat(run("--label=a=\"1\"")).isZero();
    assertThat(seen.get().tsdb().walCompression()).isTrue();
    assertThat(run("--label=a=\"1\"", "--no-tsdb.wal-compression")).isZero();
    assertThat(seen.get().tsdb().walCompression()).isFalse();
    assertThat(run("--label=a=\"1\"", "--tsdb.wal-compression=false")).isZero();
    assertThat(seen.get().tsdb().walCompression()).isFalse();
    assertThat(run("--label=a=\"1\"", "--tsdb.wal-compression")).isZero();
    assertThat(seen.get().tsdb().walCompression()).isTrue();
    assertThat(seen.get().ignoredFlags()).isEmpty();
  }

  @Test
  void walFsyncIsOffByDefaultAndOnWithTheFlag() {
    assertThat(run("--label=a=\"1\"")).isZero();
    assertThat(seen.get().tsdb().walFsync()).isFalse();
    assertThat(run("--label=a=\"1\"", "--tsdb.wal-fsync")).isZero();
    assertThat(seen.get().tsdb().walFsync()).isTrue();
    assertThat(run("--label=a=\"1\"", "--no-tsdb.wal-fsync")).isZero();
    assertThat(seen.get().tsdb().walFsync()).isFalse();
  }

  @Test
  void memoryBackPressureIsOnByDefaultAndEachLimitCanBeSetOrTurnedOff() {
    assertThat(run("--label=a=\"1\"")).isZero();
    MemoryConfig m = seen.get().memory();
    assertThat(m.limits()).isEqualTo(new MemoryLimits(0.60, 0.85));
    assertThat(m.maxInflightBodyBytes()).isEqualTo(MemoryConfig.AUTO);
    assertThat(m.bodyBudgetBytes(512L << 20)).isEqualTo(16L << 20);
    assertThat(
            run(
                "--label=a=\"1\"",
                "--receive.memory.new-series-limit=0.7",
                "--receive.memory.writes-limit=0",
                "--remote-write.max-inflight-body-bytes=1048576"))
        .isZero();
    m = seen.get().memory();
    assertThat(m.limits()).isEqualTo(new MemoryLimits(0.7, 0));
    assertThat(m.bodyBudgetBytes(512L << 20)).isEqualTo(1 << 20);
    assertThat(seen.get().ignoredFlags()).isEmpty();
    assertThat(run("--label=a=\"1\"", "--remote-write.max-inflight-body-bytes=0")).isZero();
    assertThat(seen.get().memory().bodyBudgetBytes(512L << 20)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rejectsMemoryLimitsThatCannotWorkNamingTheFlag() {
    assertThat(run("--label=a=\"1\"", "--receive.memory.writes-limit=1.5")).isEqualTo(2);
    assertThat(err.toString()).contains("--receive.memory.writes-limit must be 0 (off)");
    assertThat(
            run(
                "--label=a=\"1\"",
                "--receive.memory.new-series-limit=0.9",
                "--receive.memory.writes-limit=0.8"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--receive.memory.writes-limit (0.8) must not be below"
                + " --receive.memory.new-series-limit (0.9)");
    assertThat(run("--label=a=\"1\"", "--remote-write.max-inflight-body-bytes=lots")).isEqualTo(2);
    assertThat(err.toString()).contains("--remote-write.max-inflight-body-bytes");
  }

  @Test
  void rejectsADefaultTenantThatIsNotADirectoryNameNamingTheFlag() {
    assertThat(run("--label=a=\"1\"", "--receive.default-tenant-id=../x")).isEqualTo(2);
    assertThat(err.toString()).contains("--receive.default-tenant-id");
    assertThat(seen.get()).isNull();
  }

  @Test
  void rejectsAMalformedAddressNamingTheFlag() {
    assertThat(run("--label=a=\"1\"", "--http-address=localhost")).isEqualTo(2);
    assertThat(err.toString()).contains("--http-address").contains("missing port");
    assertThat(seen.get()).isNull();
  }

  @Test
  void rejectsAMalformedDurationNamingTheFlag() {
    assertThat(run("--label=a=\"1\"", "--tsdb.too-far-in-future.time-window=soon")).isEqualTo(2);
    assertThat(err.toString()).contains("--tsdb.too-far-in-future.time-window");
  }

  @Test
  void rejectsAnUnquotedLabelValueNamingTheFlag() {
    assertThat(run("--label=a=1")).isEqualTo(2);
    assertThat(err.toString()).contains("--label").contains("quoted");
  }

  @Test
  void requiresAtLeastOneLabelAsThanosDoes() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("--label");
  }

  @Test
  void rejectsAnUnknownLogFormat() {
    assertThat(run("--label=a=\"1\"", "--log.format=xml")).isEqualTo(2);
    assertThat(err.toString()).contains("--log.format");
  }

  @Test
  void rejectsAFlagThanosDoesNotHave() {
    assertThat(run("--label=a=\"1\"", "--no-such-flag=1")).isEqualTo(2);
    assertThat(err.toString()).contains("--no-such-flag");
  }

  @Test
  void mainKnowsTheReceiveSubcommand() {
    assertThat(Main.commandLine().getSubcommands()).containsKey("receive");
  }
}
