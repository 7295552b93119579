// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import io.sluice.tsdb.labels.Utf8;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * Cardinality statistics of one head, as Prometheus' {@code Head.Stats} computes them for {@code
 * GET /api/v1/status/tsdb}: the head's series count and time range, its chunk count, the number of
 * label pairs, and four top-{@code limit} lists, largest first.
 *
 * <ul>
 *   <li>{@code seriesCountByMetricName}: series per value of the stats label ({@code __name__});
 *   <li>{@code labelValueCountByLabelName}: distinct values per label name;
 *   <li>{@code memoryInBytesByLabelName}: per label name, the sum over its values of {@code
 *       (len(name) + len(value) + 32) × series}, lengths in UTF-8 bytes — Prometheus' {@code
 *       labels.SizeOfLabels} in the {@code slicelabels} build Thanos ships (two 16-byte string
 *       headers per label);
 *   <li>{@code seriesCountByLabelValuePair}: series per {@code name=value}.
 * </ul>
 *
 * <p>Ties in a list are ordered by name in UTF-8 byte order (Prometheus leaves them in map order).
 * {@code minTime} is {@link Long#MAX_VALUE} and {@code maxTime} {@link Long#MIN_VALUE} for a head
 * without samples, as in Prometheus.
 *
 * @param numSeries series in the head
 * @param numLabelPairs distinct label pairs in the head
 * @param chunkCount chunks in the head, open ones included
 * @param minTime earliest sample time, ms
 * @param maxTime latest sample time, ms
 */
public record HeadStats(
    long numSeries,
    long numLabelPairs,
    long chunkCount,
    long minTime,
    long maxTime,
    List<Stat> seriesCountByMetricName,
    List<Stat> labelValueCountByLabelName,
    List<Stat> memoryInBytesByLabelName,
    List<Stat> seriesCountByLabelValuePair) {

  /** The label whose values {@code seriesCountByMetricName} counts series of. */
  public static final String METRIC_NAME = "__name__";

  // Go's string header (pointer and length) on 64-bit platforms, twice per label.
  private static final int LABEL_OVERHEAD = 32;

  /** One entry of a list: a name and its count. */
  public record Stat(String name, long value) {
    public Stat {
      Objects.requireNonNull(name, "name");
    }
  }

  public HeadStats {
    seriesCountByMetricName = List.copyOf(seriesCountByMetricName);
    labelValueCountByLabelName = List.copyOf(labelValueCountByLabelName);
    memoryInBytesByLabelName = List.copyOf(memoryInBytesByLabelName);
    seriesCountByLabelValuePair = List.copyOf(seriesCountByLabelValuePair);
  }

  /**
   * Computes the statistics of {@code head}. The label pairs are counted under the postings' read
   * lock (series creation waits meanwhile, as in Prometheus); the chunks are counted afterwards,
   * series by series, so the two may disagree by what was written in between.
   *
   * @param limit the length of each list; 0 gives empty lists
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  public static HeadStats of(Head head, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    TopK metrics = new TopK(limit);
    TopK pairs = new TopK(limit);
    java.util.HashMap<String, long[]> byName = new java.util.HashMap<>();
    long[] numPairs = new long[1];
    head.postings()
        .forEachPair(
            (name, value, series) -> {
              numPairs[0]++;
              long[] acc = byName.computeIfAbsent(name, n -> new long[2]);
              acc[0]++;
              acc[1] +=
                  (long) (Utf8.encodedLength(name) + Utf8.encodedLength(value) + LABEL_OVERHEAD)
                      * series;
              if (name.equals(METRIC_NAME)) {
                metrics.offer(value, null, series);
              }
              pairs.offer(name, value, series);
            });
    TopK values = new TopK(limit);
    TopK memory = new TopK(limit);
    for (var e : byName.entrySet()) {
      values.offer(e.getKey(), null, e.getValue()[0]);
      memory.offer(e.getKey(), null, e.getValue()[1]);
    }
    long chunks = 0;
    for (long ref : head.postings().all()) {
      MemSeries s = head.getByRef(ref);
      if (s != null) {
        chunks += s.numChunks();
      }
    }
    return new HeadStats(
        head.numSeries(),
        numPairs[0],
        chunks,
        head.minTime(),
        head.maxTime(),
        metrics.sorted(),
        values.sorted(),
        memory.sorted(),
        pairs.sorted());
  }

  /** The {@code k} largest entries offered, built into strings only when they enter. */
  private static final class TopK {
    // Smallest first: the entry to evict is at the head.
    private static final java.util.Comparator<Stat> WORST_FIRST =
        (a, b) ->
            a.value() != b.value()
                ? Long.compare(a.value(), b.value())
                : Utf8.compare(b.name(), a.name());

    private final int k;
    private final PriorityQueue<Stat> heap;

    TopK(int k) {
      this.k = k;
      this.heap = new PriorityQueue<>(Math.max(1, Math.min(k, 1024)), WORST_FIRST);
    }

    // The entry's name is {@code name}, or {@code name=value} when value is not null.
    void offer(String name, String value, long count) {
      if (k == 0) {
        return;
      }
      if (heap.size() < k) {
        heap.add(new Stat(join(name, value), count));
        return;
      }
      Stat worst = heap.peek();
      if (count < worst.value()) {
        return;
      }
      Stat s = new Stat(join(name, value), count);
      if (WORST_FIRST.compare(s, worst) > 0) {
        heap.poll();
        heap.add(s);
      }
    }

    private static String join(String name, String value) {
      return value == null ? name : name + "=" + value;
    }

    List<Stat> sorted() {
      List<Stat> out = new ArrayList<>(heap);
      out.sort(WORST_FIRST.reversed());
      return out;
    }
  }
}
