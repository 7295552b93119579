// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code rwload} command: a remote-write load generator for any receiver (Sluice, Thanos
 * receive, Prometheus with {@code --web.enable-remote-write-receiver}).
 *
 * <p>It encodes every request body first, sends {@code --warmup} rounds, then times the sending of
 * the remaining rounds and prints a report whose last line is one JSON object. Exit code 0 when it
 * ran (whatever the receiver answered), 2 on usage errors. With {@code --sink-port} it is instead a
 * receiver that answers 200 to everything ({@link RwSink}), to check what the generator itself can
 * offer.
 */
@Command(
    name = "rwload",
    mixinStandardHelpOptions = true,
    version = "rwload 0.1",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Sends synthetic node-exporter and kube-state-metrics series to a Prometheus remote-write"
          + " receiver and reports samples/s and latency.",
      "Every body is encoded before the timed phase; the last output line is a JSON object."
    })
public final class RwLoad implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:19291/api/v1/receive",
      description = "Remote-write endpoint (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(
      names = "--series",
      defaultValue = "100000",
      description = "Active series (default: ${DEFAULT-VALUE}).")
  int series;

  @Option(
      names = "--samples-per-request",
      defaultValue = "5000",
      description = "Samples per request (default: ${DEFAULT-VALUE}).")
  int samplesPerRequest;

  @Option(
      names = "--shards",
      defaultValue = "4",
      description =
          "Concurrent senders; a series always goes through the same shard"
              + " (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(
      names = "--rounds",
      description =
          "Scrape rounds to pre-encode, warm-up included; each series gets one sample per round"
              + " (default: 10, fewer above 2M series).")
  Integer rounds;

  @Option(
      names = "--interval",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description =
          "Time between the timestamps of consecutive rounds (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "Longest timed phase; it ends earlier once every body is sent"
              + " (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Target samples/s of the timed phase, 0 = as fast as possible (default: 0).")
  double rate;

  @Option(
      names = "--protocol",
      defaultValue = "v1",
      converter = ProtocolConverter.class,
      description = "Remote-write version: v1 or v2 (default: ${DEFAULT-VALUE}).")
  Protocol protocol;

  @Option(
      names = "--histograms",
      description =
          "Send every sample as an integer native histogram (schema 3, 8 buckets, counts growing"
              + " with the round) instead of a float; the same number of samples.")
  boolean histograms;

  @Option(names = "--tenant", description = "Send this THANOS-TENANT header.")
  String tenant;

  @Option(
      names = "--cluster",
      defaultValue = "bench",
      description = "Value of the cluster label (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(
      names = "--warmup",
      defaultValue = "1",
      description = "Rounds sent before the timed phase (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the synthetic values (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--client",
      defaultValue = "netty",
      converter = ClientConverter.class,
      description =
          "HTTP client: netty, or jdk for java.net.http.HttpClient, which needs several times more"
              + " CPU per request (default: ${DEFAULT-VALUE}).")
  HttpTransport.Kind client;

  @Option(
      names = "--jit-warmup",
      defaultValue = "200",
      description =
          "Requests sent to an in-process sink before the run, so that the JIT has compiled the"
              + " sending path and does not compete with the receiver for CPU in the timed phase;"
              + " 0 = none (default: ${DEFAULT-VALUE}).")
  int jitWarmup;

  @Option(
      names = "--encode-threads",
      description = "Threads that encode bodies (default: available processors).")
  Integer encodeThreads;

  @Option(names = "--json", description = "Print only the JSON line.")
  boolean json;

  @Option(
      names = "--sink-port",
      description =
          "Instead of sending, run a sink on 127.0.0.1:PORT that answers 200 to everything and"
              + " counts samples (0 = any free port). Runs until killed.")
  Integer sinkPort;

  @Option(
      names = "--sink-threads",
      description = "Request threads of the sink (default: max(4, available processors)).")
  Integer sinkThreads;

  private final InstantSource clock;
  private LoadResult result;

  /** Creates the command with the system clock. */
  public RwLoad() {
    this(InstantSource.system());
  }

  /**
   * Creates the command.
   *
   * @param clock source of "now", from which the rounds' timestamps are derived
   */
  public RwLoad(InstantSource clock) {
    this.clock = clock;
  }

  /**
   * Runs rwload and exits with its exit code.
   *
   * @param args command-line arguments; {@code --help} lists them
   */
  public static void main(String[] args) {
    System.exit(newCommandLine(new RwLoad()).execute(args));
  }

  /** Returns a picocli command line for {@code command}, as {@link #main} uses it. */
  static CommandLine newCommandLine(RwLoad command) {
    return new CommandLine(command).setUsageHelpLongOptionsMaxWidth(28);
  }

  /** Returns the result of the last completed run, or {@code null}. */
  LoadResult result() {
    return result;
  }

  @Override
  public Integer call() throws Exception {
    if (sinkPort != null) {
      return runSink();
    }
    PrintWriter out = spec.commandLine().getOut();
    int procs = Runtime.getRuntime().availableProcessors();
    LoadConfig config;
    try {
      int r =
          rounds != null
              ? rounds
              : LoadConfig.defaultRounds(Math.max(1, series), Math.max(0, warmup), interval);
      config =
          new LoadConfig(
              url,
              series,
              samplesPerRequest,
              shards,
              r,
              warmup,
              interval,
              duration,
              rate,
              protocol,
              tenant,
              cluster,
              seed,
              timeout,
              client,
              jitWarmup,
              histograms);
      if (encodeThreads != null && encodeThreads < 1) {
        throw new IllegalArgumentException("encode-threads must be at least 1");
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    SeriesCatalog catalog = SeriesCatalog.create(config.series(), config.cluster());
    long intervalMillis = config.interval().toMillis();
    long span = (config.rounds() - 1L) * intervalMillis;
    long base = clock.millis() - span;
    if (!json) {
      out.printf(
          Locale.ROOT,
          "rwload: %s %s, %d series (%d instances x %d), %d shards, %d samples/request,"
              + " %d rounds (%d warm-up) every %s%n",
          config.protocol().name().toLowerCase(Locale.ROOT),
          config.url(),
          config.series(),
          catalog.instances(),
          catalog.seriesPerInstance(),
          config.shards(),
          config.samplesPerRequest(),
          config.rounds(),
          config.warmupRounds(),
          DurationConverter.format(config.interval()));
      if (span > Duration.ofHours(1).toMillis()) {
        out.printf(
            Locale.ROOT,
            "warning: the rounds span %d min; receivers may reject the oldest samples as out of"
                + " bounds when shards drift apart%n",
            span / 60_000);
      }
      out.flush();
    }
    long t0 = System.nanoTime();
    EncodedLoad load =
        LoadEncoder.encode(config, catalog, base, encodeThreads != null ? encodeThreads : procs);
    double encodeSeconds = (System.nanoTime() - t0) / 1e9;
    if (!json) {
      out.printf(
          Locale.ROOT,
          "encoded:     %d bodies, %d samples, %.1f MB snappy (%.1f MB protobuf) in %.2f s%n",
          load.requests(0, load.rounds()),
          load.samples(0, load.rounds()),
          load.compressedBytes() / 1048576.0,
          load.uncompressedBytes() / 1048576.0,
          encodeSeconds);
      out.flush();
    }
    LoadRunner.SendStats stats = LoadRunner.run(config, load);
    result = LoadResult.of(config, catalog, load, encodeSeconds, stats);
    if (!json) {
      out.print(result.summary());
    }
    out.println(result.toJson());
    out.flush();
    return 0;
  }

  private int runSink() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (sinkPort < 0 || sinkPort > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "sink-port must be in [0, 65535], got " + sinkPort);
    }
    int threads =
        sinkThreads != null ? sinkThreads : Math.max(4, Runtime.getRuntime().availableProcessors());
    if (threads < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "sink-threads must be at least 1, got " + threads);
    }
    RwSink sink = RwSink.start("127.0.0.1", sinkPort, threads);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sink.close();
                  out.println(sinkLine(sink));
                  out.flush();
                  stopped.countDown();
                }));
    out.printf(Locale.ROOT, "rwsink: listening on http://127.0.0.1:%d/%n", sink.port());
    out.flush();
    long lastRequests = -1;
    while (!stopped.await(5, TimeUnit.SECONDS)) {
      long requests = sink.requests();
      if (requests != lastRequests) {
        out.println(sinkLine(sink));
        out.flush();
        lastRequests = requests;
      }
    }
    return 0;
  }

  private static String sinkLine(RwSink sink) {
    return String.format(
        Locale.ROOT,
        "rwsink: %d requests, %d series, %d samples, %.1f MB, %d undecodable",
        sink.requests(),
        sink.series(),
        sink.samples(),
        sink.bytes() / 1048576.0,
        sink.undecodable());
  }

  /** Accepts {@code netty} and {@code jdk}. */
  static final class ClientConverter implements CommandLine.ITypeConverter<HttpTransport.Kind> {
    @Override
    public HttpTransport.Kind convert(String value) {
      try {
        return HttpTransport.Kind.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Accepts {@code v1}, {@code v2} (any case), {@code 1}, {@code 2}. */
  static final class ProtocolConverter implements CommandLine.ITypeConverter<Protocol> {
    @Override
    public Protocol convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "v1", "1", "1.0" -> Protocol.V1;
        case "v2", "2", "2.0" -> Protocol.V2;
        default ->
            throw new CommandLine.TypeConversionException(
                "protocol must be v1 or v2, got '" + value + "'");
      };
    }
  }
}
