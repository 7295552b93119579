// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one rwload run, printed as text and as one JSON object (the last line of the
 * output). All rates are over the timed phase; the warm-up is reported separately.
 *
 * @param tool always {@code rwload}
 * @param url the receiver's endpoint
 * @param protocol {@code v1} or {@code v2}
 * @param client the HTTP client, {@code netty} or {@code jdk}
 * @param tenant the tenant header sent, or {@code null}
 * @param cluster the {@code cluster} label value
 * @param series active series
 * @param instances simulated instances (nodes)
 * @param seriesPerInstance series of one full instance
 * @param shards concurrent senders
 * @param samplesPerRequest samples per request (the last request of a shard's round may have fewer)
 * @param rounds rounds encoded, warm-up included
 * @param warmupRounds rounds sent before the timed phase
 * @param intervalMs time between rounds' timestamps, ms
 * @param firstTimestampMs timestamp of round 0, ms since the epoch
 * @param targetSamplesPerSecond the paced rate, 0 for as fast as possible
 * @param encodedBytes all bodies, snappy compressed, in bytes
 * @param encodedMB {@code encodedBytes} in MiB
 * @param uncompressedBytes all bodies before compression, in bytes
 * @param encodeSeconds time spent encoding
 * @param jitWarmupRequests requests sent to an in-process sink before the run
 * @param warmupRequests requests sent in the warm-up
 * @param warmupNon2xx warm-up requests answered with a status other than 2xx
 * @param warmupErrors warm-up requests that got no HTTP response
 * @param timedSeconds length of the timed phase
 * @param generatorCpuSeconds CPU time rwload itself used during the timed phase (what it took away
 *     from a receiver on the same machine), or {@code null} if the JVM cannot tell
 * @param stoppedBy {@code completed} if every body was sent, {@code duration} if the duration ran
 *     out first
 * @param requests requests sent in the timed phase
 * @param samplesSent samples in those requests
 * @param samplesAccepted samples in requests answered with 2xx
 * @param samplesPerSecond {@code samplesAccepted / timedSeconds}
 * @param requestsPerSecond {@code requests / timedSeconds}
 * @param statusCodes number of timed requests per HTTP status code
 * @param non2xx timed requests answered with a status other than 2xx
 * @param errors timed requests that got no HTTP response (connection failure, timeout)
 * @param firstError the first transport error, or {@code null}
 * @param latencyP50Ms median latency of timed requests with a response, ms
 * @param latencyP90Ms 90th percentile, ms
 * @param latencyP99Ms 99th percentile, ms
 * @param latencyMaxMs largest latency, ms
 * @param latencyMeanMs mean latency, ms
 * @param scheduledLatencyP50Ms with a target rate: median latency from when requests were due
 * @param scheduledLatencyP99Ms with a target rate: 99th percentile from when requests were due
 * @param scheduledLatencyMaxMs with a target rate: largest latency from when requests were due
 * @param samplesWrittenReported sum of the {@code X-Prometheus-Remote-Write-Samples-Written}
 *     response headers
 * @param unconfirmedV2Responses 2xx answers to RW2 requests without that header: a receiver that
 *     only speaks RW1 (it likely decoded the body as an empty RW1 request)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadResult(
    String tool,
    String url,
    String protocol,
    String client,
    String tenant,
    String cluster,
    long series,
    long instances,
    int seriesPerInstance,
    int shards,
    int samplesPerRequest,
    int rounds,
    int warmupRounds,
    long intervalMs,
    long firstTimestampMs,
    double targetSamplesPerSecond,
    long encodedBytes,
    double encodedMB,
    long uncompressedBytes,
    double encodeSeconds,
    int jitWarmupRequests,
    long warmupRequests,
    long warmupNon2xx,
    long warmupErrors,
    double timedSeconds,
    Double generatorCpuSeconds,
    String stoppedBy,
    long requests,
    long samplesSent,
    long samplesAccepted,
    double samplesPerSecond,
    double requestsPerSecond,
    Map<String, Long> statusCodes,
    long non2xx,
    long errors,
    String firstError,
    Double latencyP50Ms,
    Double latencyP90Ms,
    Double latencyP99Ms,
    Double latencyMaxMs,
    Double latencyMeanMs,
    Double scheduledLatencyP50Ms,
    Double scheduledLatencyP99Ms,
    Double scheduledLatencyMaxMs,
    long samplesWrittenReported,
    long unconfirmedV2Responses) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Builds the result of a run from its parts. */
  static LoadResult of(
      LoadConfig config,
      SeriesCatalog catalog,
      EncodedLoad load,
      double encodeSeconds,
      LoadRunner.SendStats stats) {
    LoadRunner.Counters t = stats.timed();
    double seconds = stats.timedNanos() / 1e9;
    Map<String, Long> codes = new TreeMap<>();
    for (int i = 0; i < t.statusCounts.length; i++) {
      if (t.statusCounts[i] > 0) {
        codes.put(Integer.toString(i), t.statusCounts[i]);
      }
    }
    long[] lat = stats.latencyNanos();
    long[] sched = stats.scheduledLatencyNanos();
    long encoded = load.compressedBytes();
    return new LoadResult(
        "rwload",
        config.url().toString(),
        config.protocol().name().toLowerCase(Locale.ROOT),
        config.client().name().toLowerCase(Locale.ROOT),
        config.tenant(),
        config.cluster(),
        config.series(),
        catalog.instances(),
        catalog.seriesPerInstance(),
        config.shards(),
        config.samplesPerRequest(),
        config.rounds(),
        config.warmupRounds(),
        config.interval().toMillis(),
        load.timestampMillis(0),
        config.rate(),
        encoded,
        round(encoded / 1048576.0, 3),
        load.uncompressedBytes(),
        round(encodeSeconds, 3),
        config.jitWarmupRequests(),
        stats.warmup().requests,
        stats.warmup().non2xx(),
        stats.warmup().errors,
        round(seconds, 3),
        stats.timedCpuNanos() < 0 ? null : round(stats.timedCpuNanos() / 1e9, 3),
        stats.stoppedByDuration() ? "duration" : "completed",
        t.requests,
        t.samplesSent,
        t.samplesAccepted,
        seconds > 0 ? round(t.samplesAccepted / seconds, 1) : 0,
        seconds > 0 ? round(t.requests / seconds, 2) : 0,
        codes,
        t.non2xx(),
        t.errors,
        t.firstError,
        percentileMs(lat, 0.50),
        percentileMs(lat, 0.90),
        percentileMs(lat, 0.99),
        percentileMs(lat, 1.0),
        meanMs(lat),
        sched == null ? null : percentileMs(sched, 0.50),
        sched == null ? null : percentileMs(sched, 0.99),
        sched == null ? null : percentileMs(sched, 1.0),
        t.samplesWrittenReported,
        t.unconfirmed);
  }

  /**
   * Returns the nearest-rank percentile of sorted nanosecond values in ms, or {@code null} if there
   * are none.
   *
   * @param sortedNanos values in ascending order
   * @param p the percentile as a fraction in (0, 1]
   */
  static Double percentileMs(long[] sortedNanos, double p) {
    if (sortedNanos.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(p * sortedNanos.length);
    int index = Math.min(sortedNanos.length - 1, Math.max(0, rank - 1));
    return round(sortedNanos[index] / 1e6, 3);
  }

  private static Double meanMs(long[] nanos) {
    if (nanos.length == 0) {
      return null;
    }
    double sum = 0;
    for (long n : nanos) {
      sum += n;
    }
    return round(sum / nanos.length / 1e6, 3);
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  /** Returns this result as one line of JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize result", e);
    }
  }

  /** Returns a human-readable report of several lines, without the JSON. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "timed phase: %.3f s (%s), %d requests, %d samples sent%s%n",
            timedSeconds,
            stoppedBy.equals("duration") ? "stopped by --duration" : "all bodies sent",
            requests,
            samplesSent,
            generatorCpuSeconds == null
                ? ""
                : String.format(Locale.ROOT, "; rwload used %.2f s CPU", generatorCpuSeconds)));
    sb.append(
        String.format(
            Locale.ROOT,
            "accepted:    %.0f samples/s, %.1f requests/s (%d samples in 2xx answers)%n",
            samplesPerSecond,
            requestsPerSecond,
            samplesAccepted));
    sb.append("status:      ");
    statusCodes.forEach((code, n) -> sb.append(code).append('=').append(n).append(' '));
    sb.append("errors=").append(errors);
    if (firstError != null) {
      sb.append(" (first: ").append(firstError).append(')');
    }
    sb.append(System.lineSeparator());
    if (latencyP50Ms != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "latency ms:  p50=%.2f p90=%.2f p99=%.2f max=%.2f mean=%.2f%n",
              latencyP50Ms,
              latencyP90Ms,
              latencyP99Ms,
              latencyMaxMs,
              latencyMeanMs));
    }
    if (scheduledLatencyP50Ms != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "from due:    p50=%.2f p99=%.2f max=%.2f (latency counted from when each request"
                  + " was due at %.0f samples/s)%n",
              scheduledLatencyP50Ms,
              scheduledLatencyP99Ms,
              scheduledLatencyMaxMs,
              targetSamplesPerSecond));
    }
    if (warmupNon2xx > 0 || warmupErrors > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              "warm-up:     %d requests, %d non-2xx, %d errors%n",
              warmupRequests,
              warmupNon2xx,
              warmupErrors));
    }
    if (unconfirmedV2Responses > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              "warning:     %d RW2 requests got 2xx without %s: the receiver probably speaks only"
                  + " RW1 and stored nothing%n",
              unconfirmedV2Responses,
              RequestSender.SAMPLES_WRITTEN_HEADER));
    }
    return sb.toString();
  }
}
