// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends pre-encoded bodies to a receiver: first the warm-up rounds, then, after every shard has
 * finished its warm-up, the timed rounds.
 *
 * <p>Each shard is one thread with its own {@link RequestSender} (one keep-alive HTTP/1.1
 * connection) and sends its bodies one after the other in round order, so the samples of a series
 * arrive in timestamp order; shards run concurrently. Nothing is retried: a non-2xx answer or a
 * transport error is counted and the shard goes on with its next body. With a target rate, each
 * shard paces itself to its share of the rate, and latency is also measured from the time each
 * request was due (so that a slow receiver is not hidden by the sender waiting for it).
 */
public final class LoadRunner {

  private LoadRunner() {}

  /**
   * Runs the JIT warm-up, the warm-up rounds and the timed phase. Blocks until all are over.
   *
   * @param config where to send, how many shards, rate and duration
   * @param load the bodies, encoded for {@code config}
   * @return what happened in the timed phase (and a summary of the warm-up)
   * @throws InterruptedException if the calling thread is interrupted; senders are stopped
   */
  public static SendStats run(LoadConfig config, EncodedLoad load) throws InterruptedException {
    int shards = load.shards();
    try (HttpTransport transport =
        HttpTransport.create(
            config.client(),
            config,
            Math.min(shards, Runtime.getRuntime().availableProcessors()))) {
      if (config.jitWarmupRequests() > 0) {
        jitWarmup(transport, config, load);
      }
      long timedSamples = load.samples(config.warmupRounds(), load.rounds());
      Clock clock = new Clock();
      CyclicBarrier warmedUp = new CyclicBarrier(shards, clock::start);
      List<ShardSender> senders = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int k = 0; k < shards; k++) {
        ShardSender s = new ShardSender(transport, config, load, k, timedSamples, warmedUp, clock);
        senders.add(s);
        threads.add(Thread.ofPlatform().name("rwload-shard-" + k).unstarted(s));
      }
      threads.forEach(Thread::start);
      try {
        for (Thread t : threads) {
          t.join();
        }
      } catch (InterruptedException e) {
        threads.forEach(Thread::interrupt);
        throw e;
      }
      long cpu = processCpuNanos();
      for (ShardSender s : senders) {
        if (s.failure != null) {
          throw new IllegalStateException("shard failed", s.failure);
        }
      }
      long cpuNanos = cpu < 0 || clock.startCpuNanos < 0 ? -1 : cpu - clock.startCpuNanos;
      return SendStats.merge(senders, clock.startNanos, cpuNanos);
    }
  }

  /**
   * Sends {@code config.jitWarmupRequests()} of the bodies to an in-process {@link RwSink}, from as
   * many threads as there are shards, through the same code as the real run.
   */
  private static void jitWarmup(HttpTransport transport, LoadConfig config, EncodedLoad load)
      throws InterruptedException {
    List<EncodedLoad.Body> bodies = new ArrayList<>();
    for (int k = 0; k < load.shards(); k++) {
      bodies.addAll(load.bodies(k, 0));
    }
    if (bodies.isEmpty()) {
      return;
    }
    int threads = load.shards();
    int perThread = (config.jitWarmupRequests() + threads - 1) / threads;
    try (RwSink sink = RwSink.start("127.0.0.1", 0, threads)) {
      String path = config.url().getRawPath() == null ? "/" : config.url().getRawPath();
      URI uri = URI.create("http://127.0.0.1:" + sink.port() + path);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        workers.add(
            Thread.ofPlatform()
                .name("rwload-jit-warmup-" + t)
                .start(
                    () -> {
                      try (RequestSender sender = transport.open(uri)) {
                        for (int i = 0; i < perThread; i++) {
                          sender.send(bodies.get((first + i * threads) % bodies.size()));
                        }
                      } catch (IOException e) {
                        // Only the JIT cares about these requests; the real run reports errors.
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }));
      }
      for (Thread w : workers) {
        w.join();
      }
    } catch (IOException e) {
      // No loopback port for the sink: run without JIT warm-up.
    }
  }

  /** When the timed phase started; written by the barrier action, read after the barrier. */
  private static final class Clock {
    long startNanos;
    long startCpuNanos;

    void start() {
      startCpuNanos = processCpuNanos();
      startNanos = System.nanoTime();
    }
  }

  /** Returns the CPU time this process has used, in ns, or -1 if the JVM cannot tell. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Counters of one phase of one shard, or of all shards once merged. */
  static final class Counters {
    final long[] statusCounts = new long[600];
    long requests;
    long errors;
    long samplesSent;
    long samplesAccepted;
    long samplesWrittenReported;
    long unconfirmed;
    String firstError;

    void add(Counters o) {
      for (int i = 0; i < statusCounts.length; i++) {
        statusCounts[i] += o.statusCounts[i];
      }
      requests += o.requests;
      errors += o.errors;
      samplesSent += o.samplesSent;
      samplesAccepted += o.samplesAccepted;
      samplesWrittenReported += o.samplesWrittenReported;
      unconfirmed += o.unconfirmed;
      if (firstError == null) {
        firstError = o.firstError;
      }
    }

    long non2xx() {
      long n = 0;
      for (int i = 0; i < statusCounts.length; i++) {
        if (i < 200 || i > 299) {
          n += statusCounts[i];
        }
      }
      return n;
    }
  }

  /**
   * The outcome of a run.
   *
   * @param timed counters of the timed phase
   * @param warmup counters of the warm-up
   * @param timedNanos length of the timed phase, from its start until the last shard finished
   * @param timedCpuNanos CPU time rwload itself used in the timed phase, or -1 if unknown
   * @param stoppedByDuration whether the timed phase ended because its duration was over
   * @param latencyNanos latency of every timed request that got an HTTP response, sorted
   * @param scheduledLatencyNanos with a target rate: latency measured from when each request was
   *     due, sorted; otherwise {@code null}
   */
  record SendStats(
      Counters timed,
      Counters warmup,
      long timedNanos,
      long timedCpuNanos,
      boolean stoppedByDuration,
      long[] latencyNanos,
      long[] scheduledLatencyNanos) {

    static SendStats merge(List<ShardSender> senders, long startNanos, long cpuNanos) {
      Counters timed = new Counters();
      Counters warmup = new Counters();
      long end = startNanos;
      boolean stopped = false;
      int latencies = 0;
      boolean scheduled = false;
      for (ShardSender s : senders) {
        timed.add(s.timed);
        warmup.add(s.warmup);
        end = Math.max(end, s.endNanos);
        stopped |= s.stoppedByDuration;
        latencies += s.latencyCount;
        scheduled |= s.scheduledLatency != null;
      }
      long[] all = new long[latencies];
      long[] allScheduled = scheduled ? new long[latencies] : null;
      int pos = 0;
      for (ShardSender s : senders) {
        System.arraycopy(s.latency, 0, all, pos, s.latencyCount);
        if (allScheduled != null) {
          System.arraycopy(s.scheduledLatency, 0, allScheduled, pos, s.latencyCount);
        }
        pos += s.latencyCount;
      }
      Arrays.sort(all);
      if (allScheduled != null) {
        Arrays.sort(allScheduled);
      }
      return new SendStats(timed, warmup, end - startNanos, cpuNanos, stopped, all, allScheduled);
    }
  }

  /** Sends the bodies of one shard. */
  private static final class ShardSender implements Runnable {
    private final HttpTransport transport;
    private final LoadConfig config;
    private final EncodedLoad load;
    private final int shard;
    private final CyclicBarrier warmedUp;
    private final Clock clock;
    private final double samplesPerNano;
    final Counters warmup = new Counters();
    final Counters timed = new Counters();
    final long[] latency;
    final long[] scheduledLatency;
    int latencyCount;
    long endNanos;
    boolean stoppedByDuration;
    Throwable failure;

    ShardSender(
        HttpTransport transport,
        LoadConfig config,
        EncodedLoad load,
        int shard,
        long totalTimedSamples,
        CyclicBarrier warmedUp,
        Clock clock) {
      this.transport = transport;
      this.config = config;
      this.load = load;
      this.shard = shard;
      this.warmedUp = warmedUp;
      this.clock = clock;
      long timedRequests = 0;
      long shardSamples = 0;
      for (int r = config.warmupRounds(); r < load.rounds(); r++) {
        for (EncodedLoad.Body b : load.bodies(shard, r)) {
          timedRequests++;
          shardSamples += b.samples();
        }
      }
      this.latency = new long[Math.toIntExact(timedRequests)];
      this.scheduledLatency = config.rate() > 0 ? new long[latency.length] : null;
      // Each shard gets the share of the rate that its share of the samples calls for, so that
      // all shards finish together.
      this.samplesPerNano =
          config.rate() > 0 && totalTimedSamples > 0
              ? config.rate() * ((double) shardSamples / totalTimedSamples) / 1e9
              : 0;
    }

    @Override
    public void run() {
      try (RequestSender sender = transport.open(config.url())) {
        for (int r = 0; r < config.warmupRounds(); r++) {
          for (EncodedLoad.Body b : load.bodies(shard, r)) {
            send(sender, b, warmup, -1);
          }
        }
        warmedUp.await();
        long start = clock.startNanos;
        long deadline = start + config.duration().toNanos();
        long samplesBefore = 0;
        rounds:
        for (int r = config.warmupRounds(); r < load.rounds(); r++) {
          for (EncodedLoad.Body b : load.bodies(shard, r)) {
            long due = -1;
            if (samplesPerNano > 0) {
              due = start + (long) (samplesBefore / samplesPerNano);
              if (due >= deadline) {
                stoppedByDuration = true;
                break rounds;
              }
              parkUntil(due);
            }
            if (System.nanoTime() >= deadline) {
              stoppedByDuration = true;
              break rounds;
            }
            send(sender, b, timed, due);
            samplesBefore += b.samples();
          }
        }
        endNanos = System.nanoTime();
      } catch (InterruptedException | BrokenBarrierException e) {
        endNanos = System.nanoTime();
        Thread.currentThread().interrupt();
      } catch (IOException | RuntimeException | Error e) {
        failure = e;
        warmedUp.reset();
      }
    }

    /**
     * Sends one body and records the outcome.
     *
     * @param due when a paced request was due ({@link System#nanoTime()}), or -1 if unpaced
     */
    private void send(RequestSender sender, EncodedLoad.Body body, Counters counters, long due)
        throws InterruptedException {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      counters.requests++;
      counters.samplesSent += body.samples();
      long t0 = System.nanoTime();
      RequestSender.Response response;
      try {
        response = sender.send(body);
      } catch (IOException e) {
        counters.errors++;
        if (counters.firstError == null) {
          counters.firstError = e.toString();
        }
        return;
      }
      long t1 = System.nanoTime();
      int status = response.status();
      counters.statusCounts[Math.min(Math.max(status, 0), counters.statusCounts.length - 1)]++;
      boolean ok = status >= 200 && status <= 299;
      if (ok) {
        counters.samplesAccepted += body.samples();
      }
      if (response.samplesWritten() >= 0) {
        counters.samplesWrittenReported += response.samplesWritten();
      } else if (ok && config.protocol() == Protocol.V2) {
        counters.unconfirmed++;
      }
      if (counters == timed) {
        latency[latencyCount] = t1 - t0;
        if (scheduledLatency != null) {
          scheduledLatency[latencyCount] = t1 - (due >= 0 ? due : t0);
        }
        latencyCount++;
      }
    }

    private static void parkUntil(long nanoTime) throws InterruptedException {
      for (long wait = nanoTime - System.nanoTime();
          wait > 0;
          wait = nanoTime - System.nanoTime()) {
        LockSupport.parkNanos(wait);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    }
  }
}
