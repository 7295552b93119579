// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarData;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarsRequest;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarsResponse;
import io.sluice.receiver.proto.thanos.LabelTypes.Label;
import io.sluice.receiver.proto.thanos.LabelTypes.ZLabelSet;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteStatus;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.wal.WalOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** The Exemplars API over tenants, as Thanos' receive (pkg/exemplars/multitsdb.go, tsdb.go). */
class MultiTenantExemplarsTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path root;
  private MultiTsdb tsdbs;
  private MultiTenantExemplars exemplars;

  @BeforeEach
  void open() throws Exception {
    tsdbs =
        new MultiTsdb(
            root,
            prefix ->
                new TsdbOptions(
                    HeadOptions.defaults(InstantSource.fixed(Instant.ofEpochMilli(T0)))
                        .withMaxExemplars(100),
                    WalOptions.defaults(),
                    false,
                    1),
            t -> {});
    tsdbs.open("default-tenant");
    exemplars = MultiTenantExemplars.of(tsdbs, Map.of("replica", "r0"), "tenant_id");
  }

  @AfterEach
  void close() throws Exception {
    tsdbs.close();
  }

  private static RemoteWrite.Label label(String n, String v) {
    return RemoteWrite.Label.newBuilder().setName(n).setValue(v).build();
  }

  /** A sample and an exemplar {trace_id=trace} of the series {@code labels} at {@code t}. */
  private void write(String tenant, long t, String trace, String... labels) throws Exception {
    RemoteWrite.TimeSeries.Builder s = RemoteWrite.TimeSeries.newBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      s.addLabels(label(labels[i], labels[i + 1]));
    }
    s.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(1));
    s.addExemplars(
        RemoteWrite.Exemplar.newBuilder()
            .addLabels(label("trace_id", trace))
            .setValue(0.5)
            .setTimestamp(t));
    byte[] body =
        Snappy.compress(
            RemoteWrite.WriteRequest.newBuilder().addTimeseries(s).build().toByteArray());
    WriteBatch batch =
        new RemoteWriteDecoder(1 << 20).decode(body, 0, body.length, RemoteWriteVersion.V1);
    WriteOutcome o = new WriteOutcome();
    new LocalWriter(tsdbs).write(tenant, batch, o);
    assertThat(WriteStatus.of(o)).isEqualTo(WriteStatus.ok());
  }

  private static String text(ZLabelSet set) {
    return set.getLabelsList().stream()
        .map(l -> l.getName() + "=" + l.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  /** Each response as "series labels: exemplar labels value ts; ...". */
  private List<String> query(String q, long start, long end) throws Exception {
    List<String> out = new ArrayList<>();
    exemplars.exemplars(
        ExemplarsRequest.newBuilder().setQuery(q).setStart(start).setEnd(end).build(),
        (ExemplarsResponse r) -> {
          ExemplarData d = r.getData();
          out.add(
              text(d.getSeriesLabels())
                  + ": "
                  + d.getExemplarsList().stream()
                      .map(e -> text(e.getLabels()) + " " + e.getValue() + " " + e.getTs())
                      .collect(Collectors.joining("; ")));
        });
    return out;
  }

  @Test
  void returnsTheExemplarsOfTheSelectedSeriesWithExternalLabelsPerTenant() throws Exception {
    write("team-b", T0, "b1", "__name__", "http_requests_total", "job", "api");
    write("default-tenant", T0, "a1", "__name__", "http_requests_total", "job", "api");
    write("default-tenant", T0 + 1000, "a2", "__name__", "http_requests_total", "job", "api");
    write("default-tenant", T0, "x", "__name__", "other", "job", "api");
    // The series' own replica label is overridden by the external one.
    write(
        "default-tenant",
        T0,
        "r",
        "__name__",
        "http_requests_total",
        "job",
        "db",
        "replica",
        "own");

    assertThat(query("sum(rate(http_requests_total{job=~\"a.*|db\"}[5m]))", T0, T0 + 1000))
        .containsExactly(
            "{__name__=http_requests_total,job=api,replica=r0,tenant_id=default-tenant}:"
                + " {trace_id=a1} 0.5 "
                + T0
                + "; {trace_id=a2} 0.5 "
                + (T0 + 1000),
            "{__name__=http_requests_total,job=db,replica=r0,tenant_id=default-tenant}:"
                + " {trace_id=r} 0.5 "
                + T0,
            "{__name__=http_requests_total,job=api,replica=r0,tenant_id=team-b}: {trace_id=b1} 0.5 "
                + T0);
    // The range is inclusive at both ends.
    assertThat(query("http_requests_total{job=\"api\"}", T0 + 1, T0 + 1000))
        .containsExactly(
            "{__name__=http_requests_total,job=api,replica=r0,tenant_id=default-tenant}:"
                + " {trace_id=a2} 0.5 "
                + (T0 + 1000));
  }

  @Test
  void matchersOnExternalLabelsPickTenantsAndAreTakenOut() throws Exception {
    write("default-tenant", T0, "a", "__name__", "m");
    write("team-b", T0, "b", "__name__", "m");
    assertThat(query("m{tenant_id=\"team-b\"}", T0, T0))
        .containsExactly("{__name__=m,replica=r0,tenant_id=team-b}: {trace_id=b} 0.5 " + T0);
    assertThat(query("m{replica=\"other\"}", T0, T0)).isEmpty();
    // Selectors are ORed: one that matches a tenant is enough.
    assertThat(query("m{tenant_id=\"team-b\"} or m{tenant_id=\"nobody\"}", T0, T0)).hasSize(1);
  }

  @Test
  void aSelectorOfExternalLabelsOnlyFailsTheTenantAsThanos() throws Exception {
    write("default-tenant", T0, "a", "__name__", "m");
    assertThatThrownBy(() -> query("{tenant_id=\"default-tenant\"}", T0, T0))
        .isInstanceOfSatisfying(
            ExemplarsQueryException.class,
            e -> assertThat(e.kind()).isEqualTo(ExemplarsQueryException.Kind.TENANT_FAILED))
        .hasMessage(
            "get exemplars for tenant default-tenant: rpc error: code = InvalidArgument desc = no"
                + " matchers specified (excluding external labels)");
  }

  @Test
  void anInvalidQueryIsAnInvalidQuery() {
    assertThatThrownBy(() -> query("rate(m[5m]", T0, T0))
        .isInstanceOfSatisfying(
            ExemplarsQueryException.class,
            e -> assertThat(e.kind()).isEqualTo(ExemplarsQueryException.Kind.INVALID_QUERY))
        .hasMessageContaining("parse error");
  }

  @Test
  void aQueryWithoutSelectorsFindsNothing() throws Exception {
    write("default-tenant", T0, "a", "__name__", "m");
    assertThat(query("vector(1)", T0, T0)).isEmpty();
  }

  @Test
  void protoLabelsAreInLabelOrder() throws Exception {
    write("default-tenant", T0, "a", "__name__", "m", "a", "1", "b", "2");
    List<Label> labels = new ArrayList<>();
    exemplars.exemplars(
        ExemplarsRequest.newBuilder().setQuery("m").setStart(T0).setEnd(T0).build(),
        r -> labels.addAll(r.getData().getSeriesLabels().getLabelsList()));
    assertThat(labels)
        .extracting(Label::getName)
        .containsExactly("__name__", "a", "b", "replica", "tenant_id");
  }
}
