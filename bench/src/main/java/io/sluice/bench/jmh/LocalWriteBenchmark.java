// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecodeException;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.tenant.InvalidTenantException;
import io.sluice.receiver.validate.LabelValidator;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.receiver.write.SeriesKey;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.fileutil.FileUtil;
import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.XxHash64;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole local write of one remote-write request of 5,000 samples into a tenant head of 100,000
 * (or 5,000) known series: snappy and protobuf decode, then {@link LocalWriter#write} (label
 * validation, series key, one xxHash64 per series, series lookup, append), as the server does it
 * per request.
 *
 * <p>The 100,000 series are sent as 20 requests of 5,000 per 15 s scrape, each request carrying
 * series of 50 targets with their own scrape phase. Each invocation sends the next request; an
 * untimed per-invocation setup rewrites the request's timestamps and values in place to the next
 * scrape and compresses it into a reused buffer (allocating nothing), so every append is a new OK
 * sample however long the run, and chunks are cut as in production. The setup writes the first
 * scrape, which creates the series, then appends 130 more scrapes straight into the head so that
 * every series has cut its first chunk: the measurement sees series in their steady state.
 *
 * <p>Three more benchmarks do the same request only up to a step of the write, to show where the
 * time goes: {@link #decode} (decode only), {@link #decodeHash} (+ label validation, series key and
 * hash, as {@link LocalWriter} builds them) and {@link #decodeHashLookup} (+ series lookup). The
 * differences between consecutive scores are the cost of each step.
 *
 * <p>One operation is one sample: scores are ns per sample and {@code gc.alloc.rate.norm} is bytes
 * per sample; multiply by {@value #SAMPLES} for the request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class LocalWriteBenchmark {
  /** Samples (and series) per request. */
  public static final int SAMPLES = 5_000;

  private static final String TENANT = "default-tenant";
  // Scrapes appended in setup: the first chunk (120 scrapes of 15 s, 30 minutes) is cut at 120.
  private static final long PREFILL_PASSES = 130;

  /** The remote-write protocol version of the requests. */
  @Param({"V1", "V2"})
  public RemoteWriteVersion version;

  /**
   * Known series in the head, a multiple of {@value #SAMPLES}: 100,000 do not fit in the CPU
   * caches, as in a receiver; 5,000 (every request a new scrape of the same series) mostly do,
   * which leaves the compute cost.
   */
  @Param({"100000", "5000"})
  public int seriesCount;

  private int requestsPerScrape;

  private RemoteWriteBodies.Template[] templates;
  private byte[] body;
  private int bodyLength;
  private long sent;
  private RemoteWriteDecoder decoder;
  private LocalWriter writer;
  private WriteOutcome outcome;
  private final WriteRequest request = new WriteRequest();
  private Head head;
  private byte[] hashPrefix;
  private java.nio.file.Path dataDir;
  private MultiTsdb tsdbs;

  /** Closes the tenant databases and deletes their directory. */
  @org.openjdk.jmh.annotations.TearDown(Level.Trial)
  public void tearDown() throws java.io.IOException {
    tsdbs.close();
    FileUtil.deleteRecursively(dataDir);
  }

  private byte[] key = new byte[1024];

  /** Builds the requests and writes the first scrape, which creates the series. */
  @Setup(Level.Trial)
  public void setUp()
      throws RemoteWriteDecodeException, InvalidTenantException, java.io.IOException {
    if (seriesCount % SAMPLES != 0) {
      throw new IllegalArgumentException("seriesCount is not a multiple of " + SAMPLES);
    }
    requestsPerScrape = seriesCount / SAMPLES;
    BenchSeries series = BenchSeries.generate(seriesCount);
    templates = new RemoteWriteBodies.Template[requestsPerScrape];
    int maxCompressed = 0;
    for (int r = 0; r < requestsPerScrape; r++) {
      templates[r] = new RemoteWriteBodies.Template(version, series, r * SAMPLES, SAMPLES);
      maxCompressed = Math.max(maxCompressed, templates[r].maxCompressedLength());
    }
    body = new byte[maxCompressed];
    decoder = new RemoteWriteDecoder(64 << 20);
    InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(BenchSeries.T0));
    // The write path logs to the tenant's WAL (page cache, no fsync), as the receiver does.
    dataDir = java.nio.file.Files.createTempDirectory("sluice-jmh");
    tsdbs =
        new MultiTsdb(
            dataDir,
            p -> TsdbOptions.defaults(HeadOptions.defaults(clock).withHashPrefix(p)),
            t -> {});
    writer = new LocalWriter(tsdbs);
    outcome = new WriteOutcome();
    for (int r = 0; r < requestsPerScrape; r++) {
      nextRequest();
      write();
    }
    MultiTsdb.Tenant tenant = tsdbs.get(TENANT);
    head = tenant.head();
    hashPrefix = tenant.hashPrefix();
    if (head.numSeries() != seriesCount) {
      throw new IllegalStateException(head.numSeries() + " series after the first scrape");
    }
    prefill(series);
  }

  // Appends the next scrapes straight into the head, past the first chunk cut: measuring then sees
  // series in their steady state, whose open chunk buffer has already grown to a chunk's size.
  private void prefill(BenchSeries series) {
    long[] known = HeadAppendBenchmark.createSeries(head, series);
    for (long pass = 1; pass <= PREFILL_PASSES; pass++) {
      try (HeadAppender app = head.appender()) {
        for (int i = 0; i < known.length; i++) {
          byte[] k = series.key(i);
          app.series(known[i], k, 0, k.length);
          AppendResult r = app.append(series.timestamp(i, pass), series.valueBits(i, pass));
          if (r != AppendResult.OK) {
            throw new IllegalStateException("prefill: " + r);
          }
        }
      }
    }
    sent = (PREFILL_PASSES + 1) * requestsPerScrape;
  }

  /** Moves the next request to its scrape and compresses it; not timed. */
  @Setup(Level.Invocation)
  public void nextRequest() {
    long request = sent++;
    RemoteWriteBodies.Template t = templates[(int) (request % requestsPerScrape)];
    bodyLength = t.compressPass(request / requestsPerScrape, body);
  }

  /** Decodes and writes the request; fails if any sample is not appended. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public WriteOutcome write() throws RemoteWriteDecodeException, InvalidTenantException {
    WriteBatch batch = decoder.decode(body, 0, bodyLength, version);
    // As the remote-write handler: the request object is reused, not built per request.
    request.resetAll(TENANT, 0, batch);
    outcome.reset(request.seriesCount());
    writer.write(request, outcome);
    if (outcome.appended() != SAMPLES) {
      throw new IllegalStateException(
          "appended " + outcome.appended() + " of " + SAMPLES + " samples", outcome.failure());
    }
    return outcome;
  }

  /** Only decodes the request. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public WriteBatch decode() throws RemoteWriteDecodeException {
    return decoder.decode(body, 0, bodyLength, version);
  }

  /** Decodes, validates labels, builds each series key and hashes it, as the writer does. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public long decodeHash() throws RemoteWriteDecodeException {
    WriteBatch batch = decoder.decode(body, 0, bodyLength, version);
    long acc = 0;
    for (int s = 0, n = batch.seriesCount(); s < n; s++) {
      if (LabelValidator.validate(batch, s) != LabelValidator.LabelError.NONE) {
        throw new IllegalStateException("invalid series " + s);
      }
      int p = buildKey(batch, s);
      acc += XxHash64.hash(key, 0, p);
    }
    return acc;
  }

  /** {@link #decodeHash}, then looks each series up in the head. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public long decodeHashLookup() throws RemoteWriteDecodeException {
    WriteBatch batch = decoder.decode(body, 0, bodyLength, version);
    long acc = 0;
    int off = hashPrefix.length;
    for (int s = 0, n = batch.seriesCount(); s < n; s++) {
      if (LabelValidator.validate(batch, s) != LabelValidator.LabelError.NONE) {
        throw new IllegalStateException("invalid series " + s);
      }
      int p = buildKey(batch, s);
      long hash = XxHash64.hash(key, 0, p);
      acc += head.ref(hash, key, off, p - off);
    }
    return acc;
  }

  private int buildKey(WriteBatch batch, int s) {
    return SeriesKey.write(batch, s, hashPrefix, key);
  }
}
