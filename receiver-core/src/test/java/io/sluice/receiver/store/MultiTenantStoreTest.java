// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.receiver.proto.thanos.LabelTypes.Label;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelNamesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelValuesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesResponse;
import io.sluice.receiver.proto.thanos.StoreRpc.ShardInfo;
import io.sluice.receiver.proto.thanos.StoreTypes.AggrChunk;
import io.sluice.receiver.proto.thanos.StoreTypes.Chunk;
import io.sluice.receiver.proto.thanos.StoreTypes.LabelMatcher;
import io.sluice.receiver.proto.thanos.StoreTypes.PartialResponseStrategy;
import io.sluice.receiver.proto.thanos.StoreTypes.Series;
import io.sluice.receiver.proto.thanos.info.InfoRpc.InfoResponse;
import io.sluice.tsdb.chunkenc.HistogramGolden;
import io.sluice.tsdb.chunkenc.HistogramGolden.StoredChunk;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.labels.XxHash64;
import io.sluice.tsdb.query.Cancellation;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SeriesSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiTenantStoreTest {
  private static final long ALL_MIN = Long.MIN_VALUE;
  private static final long ALL_MAX = Long.MAX_VALUE;

  @TempDir Path root;
  private Tenants tenants;
  private MultiTenantStore store;

  @BeforeEach
  void open() throws Exception {
    tenants = new Tenants(root);
    store = tenants.store();
  }

  @AfterEach
  void close() throws Exception {
    tenants.close();
  }

  private static LabelMatcher m(LabelMatcher.Type type, String name, String value) {
    return LabelMatcher.newBuilder().setType(type).setName(name).setValue(value).build();
  }

  private static LabelMatcher eq(String name, String value) {
    return m(LabelMatcher.Type.EQ, name, value);
  }

  private static SeriesRequest.Builder req(LabelMatcher... matchers) {
    SeriesRequest.Builder b = SeriesRequest.newBuilder().setMinTime(ALL_MIN).setMaxTime(ALL_MAX);
    for (LabelMatcher x : matchers) {
      b.addMatchers(x);
    }
    return b;
  }

  private List<SeriesResponse> responses(SeriesRequest.Builder r) throws Exception {
    List<SeriesResponse> out = new ArrayList<>();
    try (SeriesStream s = store.series(r.build(), () -> false)) {
      SeriesResponse x;
      while ((x = s.next()) != null) {
        out.add(x);
      }
    }
    return out;
  }

  /** The frames of all responses, batches flattened. */
  private static List<Series> frames(List<SeriesResponse> responses) {
    List<Series> out = new ArrayList<>();
    for (SeriesResponse r : responses) {
      if (r.hasSeries()) {
        out.add(r.getSeries());
      } else if (r.hasBatch()) {
        out.addAll(r.getBatch().getSeriesList());
      }
    }
    return out;
  }

  private static String text(Series s) {
    StringBuilder b = new StringBuilder("{");
    for (Label l : s.getLabelsList()) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(l.getName()).append("=\"").append(l.getValue()).append('"');
    }
    return b.append('}').toString();
  }

  private List<String> seriesText(SeriesRequest.Builder r) throws Exception {
    return frames(responses(r)).stream().map(MultiTenantStoreTest::text).toList();
  }

  @Test
  void attachesExternalLabelsAndTheyOverrideSeriesLabelsOfTheSameName() throws Exception {
    tenants.writeOne("a", "__name__", "up", "job", "x", "replica", "from-agent");
    assertThat(seriesText(req(eq("__name__", "up"))))
        .containsExactly("{__name__=\"up\", job=\"x\", replica=\"r0\", tenant_id=\"a\"}");
    // A replica label is removed from the series and from the external labels alike.
    assertThat(seriesText(req(eq("__name__", "up")).addWithoutReplicaLabels("replica")))
        .containsExactly("{__name__=\"up\", job=\"x\", tenant_id=\"a\"}");
  }

  @Test
  void aMatcherOnAnExternalLabelSelectsTenantsAndIsNotPassedToTheTsdb() throws Exception {
    tenants.writeOne("a", "__name__", "up");
    tenants.writeOne("b", "__name__", "up");
    assertThat(seriesText(req(eq("tenant_id", "b"), eq("__name__", "up"))))
        .containsExactly("{__name__=\"up\", replica=\"r0\", tenant_id=\"b\"}");
    assertThat(seriesText(req(m(LabelMatcher.Type.RE, "tenant_id", "a|b"), eq("__name__", "up"))))
        .hasSize(2);
    assertThat(seriesText(req(eq("replica", "other"), eq("__name__", "up")))).isEmpty();
    // The external label matched, so it is not applied to the series labels (which lack it).
    assertThat(seriesText(req(eq("replica", "r0"), eq("__name__", "up")))).hasSize(2);
  }

  @Test
  void onlyExternalMatchersIsAWarningUnderWarnAndInvalidUnderAbort() throws Exception {
    tenants.writeOne("a", "__name__", "up");
    List<SeriesResponse> warn = responses(req(eq("tenant_id", "a")));
    assertThat(warn).hasSize(1);
    assertThat(warn.get(0).getWarning())
        .contains("a")
        .contains("no matchers specified (excluding external labels)");
    assertThatThrownBy(
            () ->
                responses(
                    req(eq("tenant_id", "a"))
                        .setPartialResponseStrategy(PartialResponseStrategy.ABORT)))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessageContaining("no matchers specified (excluding external labels)");
  }

  @Test
  void noMatchersAtAllIsInvalid() {
    assertThatThrownBy(() -> store.series(req().build(), () -> false))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessageContaining("no matchers specified");
  }

  @Test
  void withoutReplicaLabelsRemovesThemAndSortsWithoutThem() throws Exception {
    // With replica labels b < a; without them a < b.
    tenants.writeOne("t", "__name__", "m", "replica", "2", "x", "a");
    tenants.writeOne("t", "__name__", "m", "replica", "1", "x", "b");
    assertThat(seriesText(req(eq("__name__", "m"))))
        .containsExactly(
            "{__name__=\"m\", replica=\"r0\", tenant_id=\"t\", x=\"a\"}",
            "{__name__=\"m\", replica=\"r0\", tenant_id=\"t\", x=\"b\"}");
    tenants.writeOne("t", "__name__", "n", "rep", "2", "x", "a");
    tenants.writeOne("t", "__name__", "n", "rep", "1", "x", "b");
    assertThat(seriesText(req(eq("__name__", "n"))))
        .containsExactly(
            "{__name__=\"n\", rep=\"1\", replica=\"r0\", tenant_id=\"t\", x=\"b\"}",
            "{__name__=\"n\", rep=\"2\", replica=\"r0\", tenant_id=\"t\", x=\"a\"}");
    assertThat(
            seriesText(
                req(eq("__name__", "n"))
                    .addWithoutReplicaLabels("rep")
                    .addWithoutReplicaLabels("replica")))
        .containsExactly(
            "{__name__=\"n\", tenant_id=\"t\", x=\"a\"}",
            "{__name__=\"n\", tenant_id=\"t\", x=\"b\"}");
  }

  @Test
  void sortsByUnsignedUtf8BytesAcrossTenantsIncludingNonAscii() throws Exception {
    // Byte order: "z" (7A) < "é" (C3 A9) < U+FFFD (EF BF BD) < U+1F600 (F0 9F 98 80); Java's
    // String.compareTo puts U+1F600 (a surrogate pair, D83D ...) before U+FFFD.
    String[] values = {"\uD83D\uDE00", "\uFFFD", "é", "z"};
    for (int i = 0; i < values.length; i++) {
      tenants.writeOne(i % 2 == 0 ? "a" : "b", "__name__", "m", "k", values[i]);
    }
    List<String> vs = new ArrayList<>();
    for (Series s : frames(responses(req(eq("__name__", "m"))))) {
      for (Label l : s.getLabelsList()) {
        if (l.getName().equals("k")) {
          vs.add(l.getValue());
        }
      }
    }
    assertThat(vs).containsExactly("z", "é", "\uFFFD", "\uD83D\uDE00");
  }

  @Test
  void batchesOfResponseBatchSizeOrSingleSeriesWhenZero() throws Exception {
    for (int i = 0; i < 150; i++) {
      tenants.writeOne("a", "__name__", "m", "i", String.format("%03d", i));
    }
    List<SeriesResponse> batched = responses(req(eq("__name__", "m")).setResponseBatchSize(64));
    assertThat(batched).allMatch(SeriesResponse::hasBatch);
    assertThat(batched.stream().map(r -> r.getBatch().getSeriesCount()))
        .containsExactly(64, 64, 22);
    List<SeriesResponse> single = responses(req(eq("__name__", "m")));
    assertThat(single).hasSize(150).allMatch(SeriesResponse::hasSeries);
    assertThat(frames(batched)).isEqualTo(frames(single));
  }

  @Test
  void chunksAreReturnedAsStoredWithXxHashAndSplitIntoFramesOfAboutOneMebibyte() throws Exception {
    Random rnd = new Random(42);
    // Random values compress badly: about 1 KiB per 120-sample chunk, so ~1.6 MiB in all.
    tenants.write("a", 180_000, 1, i -> rnd.nextDouble(), "__name__", "big");
    List<ChunkMeta> stored = new ArrayList<>();
    try (Querier q = tenants.tsdbs.get("a").tsdb().querier()) {
      SeriesSet set = q.select(ALL_MIN, ALL_MAX, List.of(Matcher.eq("__name__", "big")));
      stored.addAll(set.next().chunks());
    }
    List<Series> frames = frames(responses(req(eq("__name__", "big"))));
    assertThat(frames).hasSizeGreaterThanOrEqualTo(2);
    List<AggrChunk> sent = new ArrayList<>();
    for (Series f : frames) {
      assertThat(text(f)).isEqualTo("{__name__=\"big\", replica=\"r0\", tenant_id=\"a\"}");
      int last = f.getChunks(f.getChunksCount() - 1).getSerializedSize();
      // As Thanos, the budget counts chunk messages without their tag and length bytes.
      assertThat(f.getSerializedSize())
          .isLessThanOrEqualTo(SeriesStream.FRAME_BYTES + last + 4 * f.getChunksCount() + 64);
      sent.addAll(f.getChunksList());
    }
    assertThat(frames.get(0).getSerializedSize()).isGreaterThan(SeriesStream.FRAME_BYTES - 4096);
    assertThat(sent).hasSize(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      ChunkMeta c = stored.get(i);
      AggrChunk a = sent.get(i);
      assertThat(a.getMinTime()).isEqualTo(c.minTime());
      assertThat(a.getMaxTime()).isEqualTo(c.maxTime());
      assertThat(a.getRaw().getType()).isEqualTo(Chunk.Encoding.XOR);
      assertThat(a.getRaw().getData().toByteArray()).isEqualTo(c.data());
      assertThat(a.getRaw().getHash()).isEqualTo(XxHash64.hash(c.data(), 0, c.data().length));
    }
  }

  @Test
  void histogramChunksAreReturnedAsStoredAsHistogramAndFloatHistogram() throws Exception {
    try (HeadAppender app = tenants.tsdbs.getOrCreate("a").tsdb().appender()) {
      HistogramGolden.appendAll(tenants.tsdbs.get("a").head(), app);
      app.commit();
    }
    Map<String, List<StoredChunk>> golden = HistogramGolden.blockChunks();
    for (String name : List.of("golden_h_new_buckets", "golden_fh_gauge", "golden_mixed")) {
      List<StoredChunk> sent = new ArrayList<>();
      for (Series f : frames(responses(req(eq("__name__", name))))) {
        for (AggrChunk a : f.getChunksList()) {
          byte enc =
              switch (a.getRaw().getType()) {
                case XOR -> 1;
                case HISTOGRAM -> 2;
                case FLOAT_HISTOGRAM -> 3;
                default -> throw new AssertionError(a.getRaw().getType());
              };
          byte[] data = a.getRaw().getData().toByteArray();
          assertThat(a.getRaw().getHash()).isEqualTo(XxHash64.hash(data, 0, data.length));
          if (a.getMaxTime() < HistogramGolden.blockMaxTime()) {
            sent.add(StoredChunk.of(enc, data));
          }
        }
      }
      assertThat(sent).as(name).containsExactlyElementsOf(golden.get(name));
    }
  }

  @Test
  void skipChunksSendsLabelsOnly() throws Exception {
    tenants.write("a", 500, 1000, i -> i, "__name__", "m");
    List<Series> frames = frames(responses(req(eq("__name__", "m")).setSkipChunks(true)));
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).getChunksCount()).isZero();
    assertThat(frames(responses(req(eq("__name__", "m")))).get(0).getChunksCount()).isEqualTo(5);
  }

  @Test
  void shardsPartitionTheSeriesByXxHashOfTheOutputLabels() throws Exception {
    for (int i = 0; i < 100; i++) {
      tenants.writeOne(i % 2 == 0 ? "a" : "b", "__name__", "m", "i", Integer.toString(i));
    }
    Set<String> union = new HashSet<>();
    int total = 0;
    for (int shard = 0; shard < 3; shard++) {
      ShardInfo info =
          ShardInfo.newBuilder()
              .setShardIndex(shard)
              .setTotalShards(3)
              .setBy(true)
              .addLabels("i")
              .addLabels("tenant_id")
              .build();
      List<Series> got = frames(responses(req(eq("__name__", "m")).setShardInfo(info)));
      for (Series s : got) {
        StringBuilder key = new StringBuilder();
        for (Label l : s.getLabelsList()) {
          if (l.getName().equals("i") || l.getName().equals("tenant_id")) {
            key.append(l.getName()).append('\u0000').append(l.getValue()).append('\u0000');
          }
        }
        byte[] b = key.toString().getBytes(StandardCharsets.UTF_8);
        for (int k = 0; k < b.length; k++) {
          if (b[k] == 0) {
            b[k] = (byte) 0xFF;
          }
        }
        assertThat(Long.remainderUnsigned(XxHash64.hash(b, 0, b.length), 3)).isEqualTo(shard);
        union.add(text(s));
      }
      total += got.size();
      assertThat(got).isNotEmpty();
    }
    assertThat(total).isEqualTo(100);
    assertThat(union).hasSize(100);
    ShardInfo without =
        ShardInfo.newBuilder()
            .setShardIndex(1)
            .setTotalShards(2)
            .setBy(false)
            .addLabels("replica")
            .build();
    assertThat(frames(responses(req(eq("__name__", "m")).setShardInfo(without))))
        .hasSizeBetween(1, 99);
    assertThatThrownBy(
            () ->
                store.series(
                    req(eq("__name__", "m"))
                        .setShardInfo(ShardInfo.newBuilder().setShardIndex(3).setTotalShards(3))
                        .build(),
                    () -> false))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessageContaining("shard_index 3");
  }

  @Test
  void limitCapsTheNumberOfSeries() throws Exception {
    for (int i = 0; i < 10; i++) {
      tenants.writeOne(i < 5 ? "a" : "b", "__name__", "m", "i", Integer.toString(i));
    }
    assertThat(frames(responses(req(eq("__name__", "m")).setLimit(3)))).hasSize(3);
    assertThat(frames(responses(req(eq("__name__", "m")).setLimit(0)))).hasSize(10);
  }

  @Test
  void timeRangeSelectsSeriesWithSamplesInsideIt() throws Exception {
    tenants.write("a", 10, 1000, i -> i, "__name__", "m");
    assertThat(
            frames(
                responses(
                    req(eq("__name__", "m"))
                        .setMinTime(Tenants.T0 + 20_000)
                        .setMaxTime(Tenants.T0 + 30_000))))
        .isEmpty();
    assertThat(
            frames(
                responses(
                    req(eq("__name__", "m"))
                        .setMinTime(Tenants.T0 + 5_000)
                        .setMaxTime(Tenants.T0 + 5_000))))
        .hasSize(1);
  }

  @Test
  void badRequestsAreInvalidWithAMessageNamingTheProblem() {
    assertThatThrownBy(
            () ->
                store.series(
                    req(eq("__name__", "m")).setMinTime(2).setMaxTime(1).build(), () -> false))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessageContaining("min_time 2 is after max_time 1");
    assertThatThrownBy(
            () -> store.series(req(m(LabelMatcher.Type.RE, "job", "(")).build(), () -> false))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessageContaining("job");
    assertThatThrownBy(
            () -> store.series(req(m(LabelMatcher.Type.RE, "job", "(?=a)")).build(), () -> false))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessageContaining("RE2");
    LabelMatcher seven =
        LabelMatcher.newBuilder().setTypeValue(7).setName("job").setValue("x").build();
    assertThatThrownBy(() -> store.series(req(seven).build(), () -> false))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessageContaining("unknown label matcher type 7");
    assertThatThrownBy(
            () ->
                store.series(
                    req(eq("a", "b")).setPartialResponseStrategyValue(9).build(), () -> false))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessageContaining("partial_response_strategy");
    assertThatThrownBy(
            () -> store.series(req(eq("a", "b")).addAggregatesValue(9).build(), () -> false))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessageContaining("unknown aggregate");
    assertThatThrownBy(
            () -> store.labelValues(LabelValuesRequest.newBuilder().setLabel("").build()))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessage("label name parameter cannot be empty");
    assertThatThrownBy(
            () -> store.labelNames(LabelNamesRequest.newBuilder().addMatchers(seven).build()))
        .isInstanceOf(InvalidStoreRequestException.class);
  }

  @Test
  void regexMatchersAreFullyAnchored() throws Exception {
    tenants.writeOne("a", "__name__", "m", "job", "api-server");
    assertThat(frames(responses(req(eq("__name__", "m"), m(LabelMatcher.Type.RE, "job", "api")))))
        .isEmpty();
    assertThat(frames(responses(req(eq("__name__", "m"), m(LabelMatcher.Type.RE, "job", "api.*")))))
        .hasSize(1);
    assertThat(frames(responses(req(eq("__name__", "m"), m(LabelMatcher.Type.NRE, "job", "api")))))
        .hasSize(1);
    assertThat(
            frames(
                responses(req(eq("__name__", "m"), m(LabelMatcher.Type.NEQ, "job", "api-server")))))
        .isEmpty();
  }

  @Test
  void aCancelledCallStopsWithCancellation() throws Exception {
    tenants.writeOne("a", "__name__", "m");
    try (SeriesStream s = store.series(req(eq("__name__", "m")).build(), () -> true)) {
      assertThatThrownBy(s::next).isInstanceOf(CancellationException.class);
    }
  }

  @Test
  void theQueriersPollTheCancellationSignalWhileTheyMatchLabelValues() throws Exception {
    for (int i = 0; i < 1000; i++) {
      tenants.writeOne("a", "__name__", "m", "job", "a".repeat(40) + i);
    }
    AtomicInteger polls = new AtomicInteger();
    SeriesRequest r = req(m(LabelMatcher.Type.RE, "job", "(.*a){25}x")).build();
    try (SeriesStream s = store.series(r, () -> polls.incrementAndGet() < 0)) {
      assertThat(s.next()).isNull();
    }
    // Between series alone (none match) the stream would poll once.
    assertThat(polls.get()).isGreaterThanOrEqualTo(1000 / Cancellation.INTERVAL);
  }

  @Test
  void aCallCancelledWhileMatchingStopsBeforeItSelectsASeries() throws Exception {
    for (int i = 0; i < 1000; i++) {
      tenants.writeOne("a", "__name__", "m", "job", "j" + i);
    }
    AtomicInteger polls = new AtomicInteger();
    // Set from the third poll on: inside the matching of job's values.
    SeriesRequest r = req(m(LabelMatcher.Type.RE, "job", "j.*")).build();
    try (SeriesStream s = store.series(r, () -> polls.incrementAndGet() > 2)) {
      assertThatThrownBy(s::next).isInstanceOf(CancellationException.class);
    }
    assertThat(polls.get()).isEqualTo(3);
    LabelValuesRequest values =
        LabelValuesRequest.newBuilder()
            .setLabel("job")
            .addMatchers(m(LabelMatcher.Type.RE, "job", "j.*"))
            .build();
    assertThatThrownBy(() -> store.labelValues(values, () -> true))
        .isInstanceOf(CancellationException.class);
    assertThatThrownBy(() -> store.labelNames(LabelNamesRequest.getDefaultInstance(), () -> true))
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void aRegexGoRejectsIsInvalidWithTheReason() {
    assertThatThrownBy(
            () -> store.series(req(m(LabelMatcher.Type.RE, "job", "(a)\\1")).build(), () -> false))
        .isInstanceOf(InvalidStoreRequestException.class)
        .hasMessageContaining("invalid matcher job")
        .hasMessageContaining("(a)\\1")
        .hasMessageContaining("invalid escape sequence");
  }

  @Test
  void labelNamesAddExternalNamesOnlyWhenTheTenantHasMatchingSeries() throws Exception {
    tenants.writeOne("a", "__name__", "up", "job", "x");
    tenants.writeOne("b", "__name__", "other", "instance", "y");
    assertThat(
            store
                .labelNames(
                    LabelNamesRequest.newBuilder().setStart(ALL_MIN).setEnd(ALL_MAX).build())
                .getNamesList())
        .containsExactly("__name__", "instance", "job", "replica", "tenant_id");
    assertThat(
            store
                .labelNames(
                    LabelNamesRequest.newBuilder()
                        .setStart(ALL_MIN)
                        .setEnd(ALL_MAX)
                        .addMatchers(eq("__name__", "up"))
                        .addWithoutReplicaLabels("replica")
                        .build())
                .getNamesList())
        .containsExactly("__name__", "job", "tenant_id");
    assertThat(
            store
                .labelNames(
                    LabelNamesRequest.newBuilder()
                        .setStart(ALL_MIN)
                        .setEnd(ALL_MAX)
                        .addMatchers(eq("__name__", "nothing"))
                        .build())
                .getNamesList())
        .isEmpty();
    assertThat(
            store
                .labelNames(
                    LabelNamesRequest.newBuilder()
                        .setStart(ALL_MIN)
                        .setEnd(ALL_MAX)
                        .setLimit(2)
                        .build())
                .getNamesList())
        .containsExactly("__name__", "instance");
  }

  @Test
  void labelValuesOfTheTenantLabelNameTheMatchingTenants() throws Exception {
    tenants.writeOne("a", "__name__", "up", "job", "x");
    tenants.writeOne("b", "__name__", "other", "job", "y");
    LabelValuesRequest.Builder tenant =
        LabelValuesRequest.newBuilder().setLabel("tenant_id").setStart(ALL_MIN).setEnd(ALL_MAX);
    assertThat(store.labelValues(tenant.build()).getValuesList())
        .containsExactly("a", "b", "default-tenant");
    assertThat(
            store
                .labelValues(tenant.clone().addMatchers(eq("__name__", "up")).build())
                .getValuesList())
        .containsExactly("a");
    assertThat(
            store
                .labelValues(tenant.clone().addMatchers(eq("tenant_id", "b")).build())
                .getValuesList())
        .containsExactly("b");
    LabelValuesRequest.Builder job =
        LabelValuesRequest.newBuilder().setLabel("job").setStart(ALL_MIN).setEnd(ALL_MAX);
    assertThat(store.labelValues(job.build()).getValuesList()).containsExactly("x", "y");
    assertThat(
            store
                .labelValues(job.clone().addMatchers(eq("tenant_id", "b")).build())
                .getValuesList())
        .containsExactly("y");
    assertThat(store.labelValues(job.clone().setLimit(1).build()).getValuesList())
        .containsExactly("x");
    assertThat(
            store
                .labelValues(tenant.clone().addWithoutReplicaLabels("tenant_id").build())
                .getValuesList())
        .isEmpty();
  }

  @Test
  void infoAnnouncesOneLabelSetPerTenantAndTheStoreRange() throws Exception {
    tenants.writeOne("a", "__name__", "up");
    InfoResponse info = store.info();
    assertThat(info.getComponentType()).isEqualTo("receive");
    assertThat(info.getLabelSetsList())
        .extracting(
            s -> s.getLabelsList().stream().map(l -> l.getName() + "=" + l.getValue()).toList())
        .containsExactlyInAnyOrder(
            List.of("replica=r0", "tenant_id=a"),
            List.of("replica=r0", "tenant_id=default-tenant"));
    assertThat(info.getStore().getMinTime()).isEqualTo(Tenants.T0);
    assertThat(info.getStore().getMaxTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(info.getStore().getSupportsSharding()).isTrue();
    assertThat(info.getStore().getSupportsWithoutReplicaLabels()).isTrue();
    assertThat(info.getStore().getTsdbInfosList())
        .extracting(t -> t.getMinTime())
        .containsExactlyInAnyOrder(Tenants.T0, Long.MAX_VALUE);
    assertThat(info.hasExemplars()).isTrue();
  }

  @Test
  void infoOfNoTenantsSpansEverything() {
    InfoResponse info = new MultiTenantStore(List::of, SeriesStream.FRAME_BYTES).info();
    assertThat(info.getLabelSetsList()).isEmpty();
    assertThat(info.getStore().getMinTime()).isEqualTo(Long.MIN_VALUE);
    assertThat(info.getStore().getMaxTime()).isEqualTo(Long.MAX_VALUE);
  }
}
