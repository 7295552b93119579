// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.tsdb.Tsdb;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Every acknowledged sample survives SIGKILL: a real {@code sluice} process takes sustained writes
 * from several client threads and is killed after a random number of acknowledgements, then
 * restarted on the same directory (which replays, and repairs, the WAL before it turns ready).
 * After three kills and a clean stop (which cuts the head into blocks), the tenant's blocks and WAL
 * are read directly: every sample that got a 2xx is there exactly once, with the same value bits.
 */
class CrashRecoveryIT {
  private static final Path JAR = Path.of("target", "sluice.jar");
  private static final int THREADS = 4;
  private static final int SERIES_PER_THREAD = 1000;
  private static final int SERIES_PER_REQUEST = 250;
  private static final long STALE = 0x7ff0000000000002L;

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One acknowledged request: thread w's request number k. */
  private record Ack(int thread, long k) {}

  private ExternalProcess start(int rw, int web, int run, String... args) throws Exception {
    return ItFixtures.startSluice(
        dir.resolve("data"), rw, web, dir.resolve("sluice-" + run + ".log"), args);
  }

  private static long timestamp(long base, long step, long k) {
    return base + k * step;
  }

  private static long valueBits(long seed, int thread, int series, long k) {
    if (series % 97 == 0 && k % 3 == 0) {
      return STALE;
    }
    long x = seed ^ (thread * 0x9E3779B97F4A7C15L) ^ (series * 0xC2B2AE3D27D4EB4FL) ^ k;
    x ^= x >>> 31;
    x *= 0x94D049BB133111EBL;
    x ^= x >>> 29;
    return Double.doubleToRawLongBits((x % 1_000_000_007L) / 7.0);
  }

  private static int firstSeries(long k) {
    return (int) (k % (SERIES_PER_THREAD / SERIES_PER_REQUEST)) * SERIES_PER_REQUEST;
  }

  private static byte[] body(long seed, long base, long step, int thread, long k)
      throws IOException {
    RemoteWrite.WriteRequest.Builder b = RemoteWrite.WriteRequest.newBuilder();
    int first = firstSeries(k);
    for (int s = first; s < first + SERIES_PER_REQUEST; s++) {
      b.addTimeseries(
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("crash"))
              .addLabels(RemoteWrite.Label.newBuilder().setName("s").setValue(Integer.toString(s)))
              .addLabels(
                  RemoteWrite.Label.newBuilder().setName("w").setValue(Integer.toString(thread)))
              .addSamples(
                  RemoteWrite.Sample.newBuilder()
                      .setTimestamp(timestamp(base, step, k))
                      .setValue(Double.longBitsToDouble(valueBits(seed, thread, s, k)))));
    }
    return Snappy.compress(b.build().toByteArray());
  }

  @Test
  void everyAcknowledgedSampleSurvivesThreeSigkillsExactlyOnceWithItsValueBits() throws Exception {
    run(System.currentTimeMillis() - 600_000, 10, false);
  }

  /**
   * The same with 20-second blocks (checked every 2.5 s) and a second of sample time per request,
   * so that head compaction, WAL checkpoints and truncation run all the time and the kills land in
   * them. Writers that fall more than 10 s of sample time behind the others get 409 (out of
   * bounds); those requests were not acknowledged and are not checked.
   */
  @Test
  void everyAcknowledgedSampleSurvivesSigkillsDuringHeadCompaction() throws Exception {
    run(
        System.currentTimeMillis(),
        1000,
        true,
        "--tsdb.min-block-duration=20s",
        "--tsdb.max-block-duration=20s");
  }

  private void run(long base, long step, boolean conflictsAllowed, String... args)
      throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    String why = "seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")";
    Random random = new Random(seed);
    long[] next = new long[THREADS];
    List<Ack> acks = new CopyOnWriteArrayList<>();
    List<String> unexpected = new CopyOnWriteArrayList<>();

    for (int run = 0; run < 3; run++) {
      int rw = ItFixtures.freePort();
      int web = ItFixtures.freePort();
      ExternalProcess sluice = start(rw, web, run, args);
      int killAfter = 40 + random.nextInt(300);
      Semaphore acked = new Semaphore(0);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < THREADS; w++) {
        int thread = w;
        writers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (!stop.get()) {
                        long k = next[thread]++;
                        try {
                          HttpResponse<String> r =
                              http.send(
                                  HttpRequest.newBuilder(
                                          URI.create("http://127.0.0.1:" + rw + "/api/v1/receive"))
                                      .header("Content-Encoding", "snappy")
                                      .header("Content-Type", "application/x-protobuf")
                                      .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                                      .POST(
                                          HttpRequest.BodyPublishers.ofByteArray(
                                              body(seed, base, step, thread, k)))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString());
                          if (r.statusCode() / 100 == 2) {
                            acks.add(new Ack(thread, k));
                            acked.release();
                          } else if (!(conflictsAllowed && r.statusCode() == 409)) {
                            unexpected.add(r.statusCode() + " " + r.body());
                          }
                        } catch (IOException killed) {
                          return;
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          return;
                        }
                      }
                    }));
      }
      assertThat(acked.tryAcquire(killAfter, 30, TimeUnit.SECONDS))
          .as("%s: %d acknowledgements before the kill\n%s", why, killAfter, sluice.output())
          .isTrue();
      ProcessHandle.of(sluice.pid()).orElseThrow().destroyForcibly();
      ProcessHandle.of(sluice.pid()).ifPresent(h -> h.onExit().join());
      stop.set(true);
      for (Thread t : writers) {
        t.join(Duration.ofSeconds(30));
      }
      assertThat(unexpected).as(why).isEmpty();
    }

    ExternalProcess last = start(ItFixtures.freePort(), ItFixtures.freePort(), 3, args);
    last.close();
    assertThat(last.alive()).isFalse();

    // The clean stop flushed the head into blocks (the newest instant stays in the WAL): read
    // blocks and WAL together, as a restart would.
    Map<String, List<Long>> found = new HashMap<>();
    try (Tsdb db =
            Tsdb.open(
                dir.resolve("data").resolve("default-tenant"),
                TsdbOptions.defaults(HeadOptions.defaults(InstantSource.system())));
        Querier q = db.querier()) {
      assertThat(db.blocks()).as(why).isNotEmpty();
      SeriesSet set =
          q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of(Matcher.eq("__name__", "crash")));
      while (set.hasNext()) {
        Series s = set.next();
        String prefix = s.labels().get("w") + "/" + s.labels().get("s") + "/";
        SampleIterator it = s.samples();
        while (it.next()) {
          found
              .computeIfAbsent(prefix + it.timestamp(), x -> new ArrayList<>())
              .add(it.valueBits());
        }
      }
    }
    assertThat(acks).as(why).hasSizeGreaterThan(100);
    for (Ack a : acks) {
      int first = firstSeries(a.k());
      for (int s = first; s < first + SERIES_PER_REQUEST; s++) {
        String key = a.thread() + "/" + s + "/" + timestamp(base, step, a.k());
        assertThat(found.get(key))
            .as("%s: acknowledged sample %s", why, key)
            .containsExactly(valueBits(seed, a.thread(), s, a.k()));
      }
    }
  }
}
