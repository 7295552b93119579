// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.objstore.s3.S3Bucket;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.tsdb.block.BlockMetaFormat;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged receiver shipping to S3 (S3Proxy in the test JVM) through faults: an endpoint that
 * goes away and comes back, 500s and slow answers, a kill -9 in the middle of an upload, a graceful
 * stop (SIGTERM: not ready, flush, final upload, exit 0), a bucket that cannot be used at start
 * (unreachable, missing, wrong credentials: the receiver starts and says why) and configurations
 * that can never work (they stop the start).
 */
class ShipperFaultsIT {
  private static final long BLOCK = 5_000;

  @TempDir Path dir;

  private S3ProxyFixture s3;
  private final List<ExternalProcess> processes = new ArrayList<>();

  @BeforeEach
  void startS3() throws Exception {
    s3 = S3ProxyFixture.start();
  }

  @AfterEach
  void stopAll() throws Exception {
    for (ExternalProcess p : processes) {
      p.close();
    }
    s3.close();
  }

  private ExternalProcess sluice(Path data, int rw, int web, String bucket, String... extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--tsdb.min-block-duration=5s",
                "--tsdb.max-block-duration=5s",
                "--objstore.config=" + s3.yaml(bucket)));
    args.addAll(List.of(extra));
    ExternalProcess p =
        ItFixtures.startSluice(
            data,
            rw,
            web,
            dir.resolve("sluice-" + processes.size() + ".log"),
            args.toArray(String[]::new));
    processes.add(p);
    return p;
  }

  /** Writes 10 series, one sample a second over [from, from + seconds). */
  // One request: head compaction cuts blocks by the clock, and a cut between two requests would
  // make the later ones out of bounds. Within one request the bounds are fixed when it starts.
  private static void write(int rw, long from, int seconds) throws Exception {
    RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
    for (int s = 0; s < 10; s++) {
      RemoteWrite.TimeSeries.Builder ts =
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(label("__name__", "shipped"))
              .addLabels(label("s", Integer.toString(s)));
      for (int k = 0; k < seconds; k++) {
        ts.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(from + k * 1000L).setValue(k));
      }
      req.addTimeseries(ts);
    }
    assertThat(ItFixtures.remoteWrite(rw, "default-tenant", req.build())).isEqualTo(200);
  }

  private static RemoteWrite.Label label(String name, String value) {
    return RemoteWrite.Label.newBuilder().setName(name).setValue(value).build();
  }

  private void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        ExternalProcess last = processes.get(processes.size() - 1);
        throw new AssertionError("timed out waiting for " + what + ":\n" + last.output());
      }
      Thread.sleep(200);
    }
  }

  private static TreeSet<String> localNonEmptyBlocks(Path tenant) {
    TreeSet<String> ids = new TreeSet<>();
    try {
      for (Path b : ShipperEndToEndIT.localBlocks(tenant)) {
        if (BlockMetaFormat.read(b).stats().numSamples() > 0) {
          ids.add(b.getFileName().toString());
        }
      }
    } catch (Exception e) {
      // A block deleted by retention while listed: the next poll sees the new state.
    }
    return ids;
  }

  private TreeSet<String> uploaded(String bucket) {
    try (S3Bucket b = s3.open(bucket)) {
      return ShipperEndToEndIT.uploadedBlocks(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * In the order the S3 server stored objects, every block's meta.json comes after its index and
   * its chunks, and no meta.json is stored twice.
   */
  private void assertMetaLastAndOnce(String bucket) {
    Map<String, Set<String>> seen = new HashMap<>();
    Map<String, Integer> metas = new HashMap<>();
    for (String put : s3.puts()) {
      if (!put.startsWith(bucket + "/")) {
        continue;
      }
      String key = put.substring(bucket.length() + 1);
      String id = key.substring(0, key.indexOf('/'));
      String file = key.substring(id.length() + 1);
      if (file.equals("meta.json")) {
        assertThat(seen.getOrDefault(id, Set.of()))
            .as("objects of %s before its meta.json", id)
            .contains("index", "chunks/000001");
        metas.merge(id, 1, Integer::sum);
      } else {
        seen.computeIfAbsent(id, k -> new java.util.HashSet<>()).add(file);
      }
    }
    assertThat(metas.values()).as("meta.json uploads per block").containsOnly(1);
  }

  @Test
  void anOutageOfTheS3EndpointDelaysUploadsButLosesAndDuplicatesNothing() throws Exception {
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    String bucket = s3.createBucket();
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    ExternalProcess sluice = sluice(data, rw, web, bucket, "--tsdb.retention=1s");
    long base = System.currentTimeMillis() / BLOCK * BLOCK - 120_000;

    s3.stop();
    write(rw, base, 40);
    await(
        "blocks cut while S3 is down",
        Duration.ofSeconds(60),
        () -> localNonEmptyBlocks(tenant).size() >= 4);
    await(
        "failed upload passes",
        Duration.ofSeconds(60),
        () -> metric(web, "thanos_shipper_dir_sync_failures_total{tenant=\"default-tenant\"}") > 0);
    // Nothing is uploaded, so retention (1 s) deletes nothing.
    TreeSet<String> cutWhileDown = localNonEmptyBlocks(tenant);
    assertThat(cutWhileDown).hasSizeGreaterThanOrEqualTo(4);

    s3.restart();
    s3.faults(4, 50);
    // More writes cut more blocks; each cut starts a pass, as does the 30 s timer.
    write(rw, base + 40_000, 20);
    await(
        "everything cut so far uploaded",
        Duration.ofSeconds(90),
        () ->
            uploaded(bucket).containsAll(cutWhileDown)
                && uploaded(bucket).containsAll(localNonEmptyBlocks(tenant)));
    s3.faults(0, 0);
    await(
        "uploaded blocks deleted locally by retention",
        Duration.ofSeconds(60),
        () -> localNonEmptyBlocks(tenant).size() <= 1);
    assertThat(uploaded(bucket)).containsAll(cutWhileDown);

    sluice.terminate();
    assertThat(sluice.exitCode(120)).as(sluice.output()).isZero();
    assertThat(uploaded(bucket)).containsAll(localNonEmptyBlocks(tenant));
    assertMetaLastAndOnce(bucket);
    assertThat(sluice.output()).contains("upload failed; retried at the next pass");
  }

  @Test
  void aKillDuringAnUploadLeavesNoVisibleBlockAndTheRestartUploadsItWhole() throws Exception {
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    String bucket = s3.createBucket();
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    ExternalProcess sluice = sluice(data, rw, web, bucket);
    CountDownLatch indexArrived = s3.holdNextPut(k -> k.endsWith("/index"));
    long base = System.currentTimeMillis() / BLOCK * BLOCK - 120_000;

    write(rw, base, 20);
    assertThat(indexArrived.await(60, TimeUnit.SECONDS)).as(sluice.output()).isTrue();
    sluice.kill();
    s3.releaseHeld();
    assertThat(sluice.output()).contains("uploading block");

    // The block whose index was in flight: chunks may be there, meta.json is not.
    String inFlight =
        s3.puts().stream()
            .filter(p -> p.endsWith("/chunks/000001"))
            .map(p -> p.split("/")[1])
            .findFirst()
            .orElseThrow();
    assertThat(uploaded(bucket)).doesNotContain(inFlight);

    ExternalProcess restarted = sluice(data, rw, web, bucket);
    await(
        "the interrupted block uploaded",
        Duration.ofSeconds(60),
        () -> uploaded(bucket).contains(inFlight));
    try (S3Bucket b = s3.open(bucket)) {
      Path local = tenant.resolve(inFlight);
      List<String> files = new ArrayList<>(List.of("index"));
      try (var s = Files.list(local.resolve("chunks"))) {
        s.forEach(p -> files.add("chunks/" + p.getFileName()));
      }
      for (String f : files) {
        try (InputStream in = b.get(inFlight + "/" + f)) {
          assertThat(in.readAllBytes()).as(f).isEqualTo(Files.readAllBytes(local.resolve(f)));
        }
      }
    }
    restarted.terminate();
    assertThat(restarted.exitCode(120)).as(restarted.output()).isZero();
    assertThat(uploaded(bucket)).containsAll(localNonEmptyBlocks(tenant));
    assertMetaLastAndOnce(bucket);
  }

  @Test
  void aStalledUploadHoldsUpNeitherWritesNorHeadCompaction() throws Exception {
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    String bucket = s3.createBucket();
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    sluice(data, rw, web, bucket);
    CountDownLatch indexArrived = s3.holdNextPut(k -> k.endsWith("/index"));
    long base = System.currentTimeMillis() / BLOCK * BLOCK - 120_000;

    write(rw, base, 10);
    assertThat(indexArrived.await(60, TimeUnit.SECONDS)).isTrue();
    int cut = localNonEmptyBlocks(tenant).size();
    // The upload is stuck in the S3 server; writes are answered and blocks keep being cut.
    write(rw, base + 10_000, 30);
    await(
        "blocks cut while an upload is stalled",
        Duration.ofSeconds(60),
        () -> localNonEmptyBlocks(tenant).size() >= cut + 4);
    assertThat(uploaded(bucket)).isEmpty();

    s3.releaseHeld();
    await(
        "all blocks uploaded",
        Duration.ofSeconds(90),
        () -> uploaded(bucket).containsAll(localNonEmptyBlocks(tenant)));
    assertMetaLastAndOnce(bucket);
  }

  @Test
  void sigtermTurnsNotReadyFlushesUploadsTheLastBlocksAndExitsZero() throws Exception {
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    String bucket = s3.createBucket();
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    ExternalProcess sluice = sluice(data, rw, web, bucket);
    long now = System.currentTimeMillis();
    // Recent samples: no block is due before the stop, the flush at shutdown cuts them.
    write(rw, now - 3_000, 3);
    assertThat(localNonEmptyBlocks(tenant)).isEmpty();
    CountDownLatch metaArrived = s3.holdNextPut(k -> k.endsWith("/meta.json"));

    sluice.terminate();
    assertThat(metaArrived.await(60, TimeUnit.SECONDS)).as(sluice.output()).isTrue();
    // Still uploading: the probe says not ready, writes are no longer accepted.
    assertThat(ItFixtures.get(web, "/-/ready").statusCode()).isEqualTo(503);
    s3.releaseHeld();

    assertThat(sluice.exitCode(120)).as(sluice.output()).isZero();
    TreeSet<String> local = localNonEmptyBlocks(tenant);
    assertThat(local).isNotEmpty();
    assertThat(uploaded(bucket)).containsAll(local);
    assertThat(Files.readString(tenant.resolve("thanos.shipper.json"), StandardCharsets.UTF_8))
        .contains(local.first());
  }

  private static double metric(int web, String series) {
    try {
      for (String line : ItFixtures.get(web, "/metrics").body().split("\n")) {
        if (line.startsWith(series + " ")) {
          return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
      }
      return 0;
    } catch (Exception e) {
      return 0;
    }
  }

  private Process start(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("receive", "--label=a=\"1\""));
    cmd.add("--tsdb.path=" + dir.resolve("bad-config"));
    cmd.add("--remote-write.address=127.0.0.1:" + ItFixtures.freePort());
    cmd.add("--http-address=127.0.0.1:" + ItFixtures.freePort());
    cmd.add("--grpc-address=127.0.0.1:" + ItFixtures.freePort());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(ItFixtures.sluiceCommand(cmd.toArray(String[]::new)))
        .redirectErrorStream(true)
        .start();
  }

  private static String finish(Process p, int expectedExit) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(expectedExit);
    return out;
  }

  @Test
  void anUnknownKeyFailsAtStartNamingTheKey() throws Exception {
    String yaml = s3.yaml("thanos-cluster-01") + "  sekret_key: x\n";
    assertThat(finish(start("--objstore.config=" + yaml), 2))
        .contains("--objstore.config")
        .contains("sekret_key");
  }

  @Test
  void aMalformedConfigOrBothObjstoreFlagsFailAtStart() throws Exception {
    assertThat(finish(start("--objstore.config=type: S3\nconfig: [unclosed\n"), 2))
        .contains("invalid --objstore.config");
    Path file = Files.writeString(dir.resolve("objstore.yml"), s3.yaml("thanos-cluster-01"));
    assertThat(
            finish(
                start(
                    "--objstore.config-file=" + file,
                    "--objstore.config=" + s3.yaml("thanos-cluster-01")),
                2))
        .contains("both --objstore.config-file and --objstore.config");
  }

  @Test
  void startsWithS3UnreachableKeepsBlocksThroughSigtermAndUploadsEachOnceAfterARestart()
      throws Exception {
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    String bucket = s3.createBucket();
    // Nothing listens on the endpoint's port: connections are refused.
    s3.stop();
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    ExternalProcess sluice = sluice(data, rw, web, bucket);
    await(
        "the bucket check logged",
        Duration.ofSeconds(60),
        () -> sluice.output().contains("bucket cannot be used"));
    assertThat(sluice.output())
        .contains("bucket '" + bucket + "' cannot be checked at http://" + s3.endpoint())
        .contains("Connection refused");
    long base = System.currentTimeMillis() / BLOCK * BLOCK - 120_000;

    write(rw, base, 40);
    await(
        "blocks cut while S3 is unreachable",
        Duration.ofSeconds(60),
        () -> localNonEmptyBlocks(tenant).size() >= 4);
    await(
        "a failed upload counted",
        Duration.ofSeconds(60),
        () ->
            metric(web, "thanos_shipper_upload_failures_total{tenant=\"default-tenant\"}") > 0
                && metric(
                        web,
                        "thanos_objstore_bucket_operation_failures_total{bucket=\""
                            + bucket
                            + "\",operation=\"exists\"}")
                    > 0);
    // A pass counts its failure before it logs it.
    await(
        "the failed pass logged",
        Duration.ofSeconds(60),
        () -> sluice.output().contains("upload failed; retried at the next pass"));
    assertThat(sluice.output()).contains("s3: " + bucket + " at http://" + s3.endpoint());

    sluice.terminate();
    assertThat(sluice.exitCode(120)).as(sluice.output()).isZero();
    assertThat(sluice.output()).contains("final upload pass failed").contains("shutdown complete");
    TreeSet<String> kept = localNonEmptyBlocks(tenant);
    assertThat(kept).hasSizeGreaterThanOrEqualTo(4);
    assertThat(s3.puts()).isEmpty();

    s3.restart();
    ExternalProcess restarted = sluice(data, rw, web, bucket);
    await(
        "the kept blocks uploaded",
        Duration.ofSeconds(90),
        () -> uploaded(bucket).containsAll(kept));
    await(
        "the bucket check logged",
        Duration.ofSeconds(60),
        () -> restarted.output().contains("bucket checked: it can be used"));
    restarted.terminate();
    assertThat(restarted.exitCode(120)).as(restarted.output()).isZero();
    assertThat(uploaded(bucket)).isEqualTo(localNonEmptyBlocks(tenant)).containsAll(kept);
    assertMetaLastAndOnce(bucket);
  }

  @Test
  void aMissingBucketAtStartIsLoggedWritesAreAcceptedAndBlocksGoOnceItIsCreated() throws Exception {
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    ExternalProcess sluice = sluice(data, rw, web, "thanos-cluster-01");
    long base = System.currentTimeMillis() / BLOCK * BLOCK - 120_000;

    write(rw, base, 20);
    await(
        "the bucket check logged",
        Duration.ofSeconds(60),
        () -> sluice.output().contains("bucket cannot be used"));
    assertThat(sluice.output())
        .contains("bucket 'thanos-cluster-01' does not exist at http://" + s3.endpoint());
    await(
        "blocks cut and a failed upload counted",
        Duration.ofSeconds(60),
        () ->
            !localNonEmptyBlocks(tenant).isEmpty()
                && metric(web, "thanos_shipper_upload_failures_total{tenant=\"default-tenant\"}")
                    > 0);

    s3.createBucket("thanos-cluster-01");
    // The next cut starts a pass, as does the 30 s timer.
    write(rw, base + 20_000, 20);
    await(
        "every block uploaded once the bucket exists",
        Duration.ofSeconds(90),
        () -> {
          TreeSet<String> local = localNonEmptyBlocks(tenant);
          return local.size() >= 4 && uploaded("thanos-cluster-01").containsAll(local);
        });
    // The pass logs its success after its last upload.
    await(
        "the recovery logged",
        Duration.ofSeconds(60),
        () -> sluice.output().contains("upload pass succeeded again"));
    sluice.terminate();
    assertThat(sluice.exitCode(120)).as(sluice.output()).isZero();
    assertMetaLastAndOnce("thanos-cluster-01");
  }

  @Test
  void wrongCredentialsAtStartAreLoggedAndWritesAreStillAccepted() throws Exception {
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    String bucket = s3.createBucket();
    String yaml = s3.yaml(bucket).replace(S3ProxyFixture.SECRET_KEY, "not-the-secret");
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    ExternalProcess sluice =
        ItFixtures.startSluice(
            data,
            rw,
            web,
            dir.resolve("sluice-creds.log"),
            "--tsdb.min-block-duration=5s",
            "--tsdb.max-block-duration=5s",
            "--objstore.config=" + yaml);
    processes.add(sluice);
    long base = System.currentTimeMillis() / BLOCK * BLOCK - 120_000;

    write(rw, base, 20);
    await(
        "the bucket check logged",
        Duration.ofSeconds(60),
        () -> sluice.output().contains("bucket cannot be used"));
    assertThat(sluice.output())
        .contains("access to bucket '" + bucket + "' at http://" + s3.endpoint())
        .contains("was denied");
    await(
        "blocks cut and a failed upload counted",
        Duration.ofSeconds(60),
        () ->
            !localNonEmptyBlocks(tenant).isEmpty()
                && metric(web, "thanos_shipper_upload_failures_total{tenant=\"default-tenant\"}")
                    > 0);
    assertThat(ItFixtures.get(web, "/-/ready").statusCode()).isEqualTo(200);
    assertThat(uploaded(bucket)).isEmpty();

    sluice.terminate();
    assertThat(sluice.exitCode(120)).as(sluice.output()).isZero();
    assertThat(localNonEmptyBlocks(tenant)).isNotEmpty();
  }
}
