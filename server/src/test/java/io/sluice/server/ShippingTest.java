// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.objstore.Bucket;
import io.sluice.objstore.BucketOperation;
import io.sluice.objstore.BucketOperationException;
import io.sluice.objstore.ObjectAttributes;
import io.sluice.objstore.ObjectVisitor;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockMeta.Compaction;
import io.sluice.tsdb.block.BlockMeta.Stats;
import io.sluice.tsdb.block.BlockMetaFormat;
import io.sluice.tsdb.block.Ulid;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

class ShippingTest {
  private static final InstantSource CLOCK =
      InstantSource.fixed(Instant.parse("2024-05-01T10:00:00Z"));

  @TempDir Path tmp;

  private final CountDownLatch release = new CountDownLatch(1);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void releaseHungCalls() {
    release.countDown();
  }

  /** A bucket whose every call hangs until the test ends, as an endpoint that never answers. */
  private final class HungBucket extends UnusableBucket {
    final CountDownLatch called = new CountDownLatch(1);

    @Override
    public boolean exists(String name) throws IOException {
      called.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("released");
    }
  }

  /** A bucket whose every call fails as a refused connection does. */
  private static class UnusableBucket implements Bucket {
    final AtomicInteger calls = new AtomicInteger();

    private IOException refused(BucketOperation op, String name) {
      calls.incrementAndGet();
      return new BucketOperationException(
          "b", op, name, null, "connection refused", new ConnectException("Connection refused"));
    }

    @Override
    public String name() {
      return "b";
    }

    @Override
    public boolean exists(String name) throws IOException {
      throw refused(BucketOperation.EXISTS, name);
    }

    @Override
    public InputStream get(String name) throws IOException {
      throw refused(BucketOperation.GET, name);
    }

    @Override
    public InputStream getRange(String name, long offset, long length) throws IOException {
      throw refused(BucketOperation.GET_RANGE, name);
    }

    @Override
    public void upload(String name, Path file) throws IOException {
      throw refused(BucketOperation.UPLOAD, name);
    }

    @Override
    public void upload(String name, InputStream in, long length) throws IOException {
      throw refused(BucketOperation.UPLOAD, name);
    }

    @Override
    public void delete(String name) throws IOException {
      throw refused(BucketOperation.DELETE, name);
    }

    @Override
    public void iter(String dir, boolean recursive, ObjectVisitor visitor) throws IOException {
      throw refused(BucketOperation.ITER, dir);
    }

    @Override
    public ObjectAttributes attributes(String name) throws IOException {
      throw refused(BucketOperation.ATTRIBUTES, name);
    }

    @Override
    public void close() {}
  }

  private Shipping shipping(Bucket bucket) {
    return new Shipping(
        bucket, t -> Map.of("replica", "r-0", "tenant_id", t), CLOCK, false, registry);
  }

  /** A tenant directory with one level-1 block with samples, as head compaction writes it. */
  private Path tenantWithBlock(String tenant) throws IOException {
    return tenantWithBlock(tmp, tenant);
  }

  private static Path tenantWithBlock(Path root, String tenant) throws IOException {
    Path dir = Files.createDirectories(root.resolve(tenant));
    Ulid id = Ulid.of(0x0190_0000_0000_0000L, 42);
    BlockMeta meta =
        new BlockMeta(
            id,
            0,
            5_000,
            Stats.of(10, 1, 1),
            new Compaction(1, List.of(id), List.of(), false, false, List.of()),
            null);
    Path block = Files.createDirectories(dir.resolve(id.toString()).resolve("chunks"));
    Files.write(block.resolve("000001"), new byte[] {1, 2, 3});
    Files.write(dir.resolve(id.toString()).resolve("index"), new byte[] {4, 5});
    BlockMetaFormat.write(dir.resolve(id.toString()), meta);
    return dir;
  }

  @Test
  void aFinalPassHungOnTheBucketDoesNotHoldUpTheStop(
      // The abandoned pass goes on once the test releases its call, possibly while the directory
      // is deleted: it is left to the operating system's temporary-file cleanup.
      @TempDir(cleanup = CleanupMode.NEVER) Path root) throws Exception {
    HungBucket bucket = new HungBucket();
    Shipping shipping = shipping(bucket);
    Path tenant = tenantWithBlock(root, "t1");
    shipping.add("t1", tenant);
    assertThat(bucket.called.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(shipping.stopAndShipAll(200)).isFalse();
    assertThat(tenant.resolve(Ulid.of(0x0190_0000_0000_0000L, 42).toString())).isDirectory();
  }

  @Test
  void finalPassesAgainstARefusingBucketEndAndKeepTheBlocks() throws Exception {
    UnusableBucket bucket = new UnusableBucket();
    Shipping shipping = shipping(bucket);
    Path tenant = tenantWithBlock("t1");
    shipping.add("t1", tenant);

    assertThat(shipping.stopAndShipAll(60_000)).isTrue();
    assertThat(bucket.calls.get()).isPositive();
    assertThat(tenant.resolve(Ulid.of(0x0190_0000_0000_0000L, 42).toString())).isDirectory();
    assertThat(shipping.uploaded(Ulid.of(0x0190_0000_0000_0000L, 42))).isFalse();
    assertThat(registry.get("thanos.shipper.upload.failures").tag("tenant", "t1").counter().count())
        .isPositive();
  }

  private void awaitSyncs(String tenant, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (registry.get("thanos.shipper.dir.syncs").tag("tenant", tenant).counter().count() < n) {
      assertThat(System.nanoTime()).as("passes of %s", tenant).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void recordsTheLastUploadAndNoErrorForThePageOfAPassThatUploaded() throws Exception {
    Shipping shipping = shipping(new io.sluice.objstore.FilesystemBucket(tmp.resolve("bucket")));
    shipping.add("t1", tenantWithBlock("t1"));
    awaitSyncs("t1", 1);

    assertThat(shipping.stopAndShipAll(60_000)).isTrue();
    Shipping.Progress p = shipping.progress("t1");
    assertThat(p.lastUploadMs()).isEqualTo(CLOCK.millis());
    assertThat(p.lastError()).isNull();
    assertThat(p.lastErrorMs()).isNull();
  }

  @Test
  void aPassWithNothingToUploadIsNoErrorOnThePage() throws Exception {
    Shipping shipping = shipping(new UnusableBucket());
    shipping.add("t1", Files.createDirectories(tmp.resolve("t1")));
    awaitSyncs("t1", 1);

    assertThat(shipping.stopAndShipAll(60_000)).isTrue();
    assertThat(shipping.progress("t1")).isEqualTo(Shipping.Progress.NONE);
  }

  @Test
  void recordsTheCauseOfTheLastFailedPassForThePage() throws Exception {
    Shipping shipping = shipping(new UnusableBucket());
    shipping.add("t1", tenantWithBlock("t1"));
    awaitSyncs("t1", 1);

    assertThat(shipping.stopAndShipAll(60_000)).isTrue();
    Shipping.Progress p = shipping.progress("t1");
    assertThat(p.lastError()).contains("upload of block").contains("connection refused");
    assertThat(p.lastErrorMs()).isEqualTo(CLOCK.millis());
    assertThat(p.lastUploadMs()).isNull();
    assertThat(shipping.progress("not-shipped")).isEqualTo(Shipping.Progress.NONE);
  }
}
