// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.objstore.Bucket;
import io.sluice.objstore.BucketOperation;
import io.sluice.objstore.ObjectAttributes;
import io.sluice.objstore.ObjectVisitor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Bucket} that counts and times every operation of the bucket it wraps, under the names of
 * Thanos' objstore client ({@code thanos-io/objstore:objstore.go}, registered with the {@code
 * thanos_} prefix):
 *
 * <ul>
 *   <li>{@code thanos_objstore_bucket_operations_total{bucket,operation}} — every call;
 *   <li>{@code thanos_objstore_bucket_operation_failures_total{bucket,operation}} — calls that
 *       threw;
 *   <li>{@code thanos_objstore_bucket_operation_duration_seconds{bucket,operation}} — histogram of
 *       successful calls, Thanos' buckets;
 *   <li>{@code thanos_objstore_bucket_last_successful_upload_time{bucket}} — Unix seconds of the
 *       last successful upload; absent until there is one.
 * </ul>
 *
 * The {@code operation} values are {@link BucketOperation#label()}; all counters exist at 0 from
 * the start. The time a reader spends on a stream returned by {@code get} is not included, as in
 * Thanos only the call is timed. Thread-safe; {@link #close} closes the wrapped bucket.
 */
public final class InstrumentedBucket implements Bucket {
  private static final double[] DURATION_BUCKETS = {
    0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120
  };

  private final Bucket delegate;
  private final MeterRegistry registry;
  private final InstantSource clock;
  private final EnumMap<BucketOperation, Meters> meters = new EnumMap<>(BucketOperation.class);
  private final AtomicLong lastUploadMillis = new AtomicLong();
  private volatile boolean uploadGauge;

  private record Meters(Counter total, Counter failures, Timer duration) {}

  /**
   * Wraps {@code delegate}, registering its meters in {@code registry} with {@code bucket} = {@link
   * Bucket#name()}.
   */
  public InstrumentedBucket(Bucket delegate, MeterRegistry registry, InstantSource clock) {
    this.delegate = delegate;
    this.registry = registry;
    this.clock = clock;
    String name = delegate.name();
    for (BucketOperation op : BucketOperation.values()) {
      meters.put(
          op,
          new Meters(
              Counter.builder("thanos.objstore.bucket.operations")
                  .description("Total number of all attempted operations against a bucket.")
                  .tags("bucket", name, "operation", op.label())
                  .register(registry),
              Counter.builder("thanos.objstore.bucket.operation.failures")
                  .description("Total number of operations against a bucket that failed.")
                  .tags("bucket", name, "operation", op.label())
                  .register(registry),
              Timer.builder("thanos.objstore.bucket.operation.duration")
                  .description(
                      "Duration of successful operations against the bucket per operation.")
                  .tags("bucket", name, "operation", op.label())
                  .serviceLevelObjectives(durations())
                  .register(registry)));
    }
  }

  private static Duration[] durations() {
    Duration[] d = new Duration[DURATION_BUCKETS.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = Duration.ofNanos((long) (DURATION_BUCKETS[i] * 1e9));
    }
    return d;
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T measure(BucketOperation op, Call<T> call) throws IOException {
    Meters m = meters.get(op);
    m.total.increment();
    long start = System.nanoTime();
    try {
      T result = call.run();
      m.duration.record(Duration.ofNanos(System.nanoTime() - start));
      return result;
    } catch (IOException | RuntimeException | Error e) {
      m.failures.increment();
      throw e;
    }
  }

  private void uploaded() {
    lastUploadMillis.set(clock.millis());
    if (!uploadGauge) {
      synchronized (this) {
        if (!uploadGauge) {
          io.micrometer.core.instrument.Gauge.builder(
                  "thanos.objstore.bucket.last.successful.upload.time",
                  lastUploadMillis,
                  v -> v.get() / 1000.0)
              .description("Second timestamp of the last successful upload to the bucket.")
              .tag("bucket", delegate.name())
              .register(registry);
          uploadGauge = true;
        }
      }
    }
  }

  @Override
  public String name() {
    return delegate.name();
  }

  /** Checks the wrapped bucket; not one of Thanos' operations, so not counted. */
  @Override
  public void check() throws IOException {
    delegate.check();
  }

  @Override
  public boolean exists(String name) throws IOException {
    return measure(BucketOperation.EXISTS, () -> delegate.exists(name));
  }

  @Override
  public InputStream get(String name) throws IOException {
    return measure(BucketOperation.GET, () -> delegate.get(name));
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    return measure(BucketOperation.GET_RANGE, () -> delegate.getRange(name, offset, length));
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    measure(
        BucketOperation.UPLOAD,
        () -> {
          delegate.upload(name, file);
          return null;
        });
    uploaded();
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    measure(
        BucketOperation.UPLOAD,
        () -> {
          delegate.upload(name, in, length);
          return null;
        });
    uploaded();
  }

  @Override
  public void delete(String name) throws IOException {
    measure(
        BucketOperation.DELETE,
        () -> {
          delegate.delete(name);
          return null;
        });
  }

  @Override
  public void iter(String dir, boolean recursive, ObjectVisitor visitor) throws IOException {
    measure(
        BucketOperation.ITER,
        () -> {
          delegate.iter(dir, recursive, visitor);
          return null;
        });
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    return measure(BucketOperation.ATTRIBUTES, () -> delegate.attributes(name));
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  /** The wrapped bucket's description, e.g. {@code s3: thanos at http://minio:9000}. */
  @Override
  public String toString() {
    return delegate.toString();
  }
}
