// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecodeException;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.relabel.BatchRelabeller;
import io.sluice.receiver.relabel.RelabelConfigException;
import io.sluice.receiver.relabel.RelabelConfigs;
import io.sluice.receiver.relabel.Relabeller;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The remote-write handler's path for one request of 5,000 samples — decode, relabel with {@code
 * --receive.relabel-config} (or not), local write (validation, series key, hash, lookup, append,
 * WAL) — with the relabelling the handler does, to show what relabelling costs per sample:
 *
 * <ul>
 *   <li>{@code none}: no rules, the unchanged hot path (as {@link LocalWriteBenchmark#write});
 *   <li>{@code keep}: one {@code keep} on {@code __name__} that every series passes, so no series
 *       changes: the cost of evaluating rules;
 *   <li>{@code rewrite}: a {@code labeldrop} and a {@code replace} with a group that every series
 *       meets, so every series gets new labels: the cost of rewriting.
 * </ul>
 *
 * <p>The 100,000 series (of {@link BenchSeries}) are 20 requests per 15 s scrape; each invocation
 * sends the next request, moved to its scrape by an untimed per-invocation setup, so every append
 * is a new sample. Setup writes two scrapes through the same path, which creates the (relabelled)
 * series. One operation is one sample.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class RelabelWriteBenchmark {
  /** Samples (and series) per request. */
  public static final int SAMPLES = 5_000;

  private static final int SERIES = 100_000;
  private static final String TENANT = "default-tenant";

  /** The relabel rules: none, keep, rewrite. */
  @Param({"none", "keep", "rewrite"})
  public String rules;

  private RemoteWriteBodies.Template[] templates;
  private byte[] body;
  private int bodyLength;
  private long sent;
  private RemoteWriteDecoder decoder;
  private BatchRelabeller relabeller;
  private LocalWriter writer;
  private final WriteOutcome outcome = new WriteOutcome();
  private final WriteRequest request = new WriteRequest();
  private Path dataDir;
  private MultiTsdb tsdbs;

  static String yaml(String rules) {
    return switch (rules) {
      case "none" -> "";
      case "keep" -> "- {source_labels: [__name__], regex: \"(node|kube)_.+\", action: keep}";
      case "rewrite" ->
          """
          - {regex: prometheus, action: labeldrop}
          - {source_labels: [cluster], regex: "prod-(.*)", target_label: region, replacement: "$1"}
          """;
      default -> throw new IllegalArgumentException(rules);
    };
  }

  /** Builds the requests and writes two scrapes. */
  @Setup(Level.Trial)
  public void setUp() throws IOException, RemoteWriteDecodeException, RelabelConfigException {
    BenchSeries series = BenchSeries.generate(SERIES);
    int requests = SERIES / SAMPLES;
    templates = new RemoteWriteBodies.Template[requests];
    int maxCompressed = 0;
    for (int r = 0; r < requests; r++) {
      templates[r] =
          new RemoteWriteBodies.Template(RemoteWriteVersion.V1, series, r * SAMPLES, SAMPLES);
      maxCompressed = Math.max(maxCompressed, templates[r].maxCompressedLength());
    }
    body = new byte[maxCompressed];
    decoder = new RemoteWriteDecoder(64 << 20);
    RelabelConfigs configs = RelabelConfigs.parse(yaml(rules));
    relabeller = configs.isEmpty() ? null : new BatchRelabeller(new Relabeller(configs.configs()));
    InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(BenchSeries.T0));
    dataDir = Files.createTempDirectory("sluice-jmh-relabel");
    tsdbs =
        new MultiTsdb(
            dataDir,
            p -> TsdbOptions.defaults(HeadOptions.defaults(clock).withHashPrefix(p)),
            t -> {});
    writer = new LocalWriter(tsdbs);
    for (int r = 0; r < 2 * requests; r++) {
      nextRequest();
      write();
    }
    long n = tsdbs.get(TENANT).head().numSeries();
    if (n != SERIES) {
      throw new IllegalStateException(n + " series after the first scrapes");
    }
  }

  /** Closes the database and deletes its directory. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    tsdbs.close();
    try (var paths = Files.walk(dataDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Moves the next request to its scrape and compresses it; not timed. */
  @Setup(Level.Invocation)
  public void nextRequest() {
    long r = sent++;
    RemoteWriteBodies.Template t = templates[(int) (r % templates.length)];
    bodyLength = t.compressPass(r / templates.length, body);
  }

  /** Decodes, relabels as the handler does, and writes the request. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public WriteOutcome write() throws RemoteWriteDecodeException {
    WriteBatch batch = decoder.decode(body, 0, bodyLength, RemoteWriteVersion.V1);
    if (relabeller == null) {
      request.resetAll(TENANT, 0, batch);
    } else {
      relabeller.relabel(batch, request.reset(TENANT, 0, batch));
    }
    outcome.reset(request.seriesCount());
    writer.write(request, outcome);
    if (outcome.appended() != SAMPLES) {
      throw new IllegalStateException(
          "appended " + outcome.appended() + " of " + SAMPLES + " samples", outcome.failure());
    }
    return outcome;
  }

  /** Only decodes and relabels: the relabelling cost without the write. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int decodeRelabel() throws RemoteWriteDecodeException {
    WriteBatch batch = decoder.decode(body, 0, bodyLength, RemoteWriteVersion.V1);
    if (relabeller == null) {
      return request.resetAll(TENANT, 0, batch).seriesCount();
    }
    return relabeller.relabel(batch, request.reset(TENANT, 0, batch));
  }
}
