// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.promql.PromqlParseException;
import io.sluice.receiver.promql.PromqlSelectors;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.Exemplar;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarData;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarsRequest;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarsResponse;
import io.sluice.receiver.proto.thanos.LabelTypes.ZLabelSet;
import io.sluice.tsdb.exemplar.SeriesExemplars;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Exemplars API of a receiver ({@code thanos.Exemplars/Exemplars}), as {@code thanos receive}
 * answers it ({@code pkg/exemplars/multitsdb.go}, {@code tsdb.go}):
 *
 * <ul>
 *   <li>The query is parsed as PromQL and its selectors taken out ({@link PromqlSelectors}); a
 *       query that does not parse fails the call.
 *   <li>Per tenant, in tenant order: a selector with a matcher on one of the tenant's external
 *       label names that its value does not match is dropped, matched ones are removed from it; if
 *       no selector is left the tenant contributes nothing; if every selector left is empty the
 *       call fails ("no matchers specified (excluding external labels)").
 *   <li>The exemplars in {@code [start, end]} of the series matching any selector left are sent,
 *       one {@code ExemplarData} per series, sorted by series labels within a tenant, the series
 *       labels extended with the tenant's external labels (which win over series labels of the same
 *       name).
 * </ul>
 *
 * <p>The partial response strategy is not read, as in Thanos' receiver. Thread-safe; each call
 * reads the tenants present at its start.
 */
public final class MultiTenantExemplars {
  private final Supplier<List<TenantStore>> tenants;

  /** The exemplars of the tenants {@code tenants} returns at each call, in that order. */
  public MultiTenantExemplars(Supplier<List<TenantStore>> tenants) {
    this.tenants = Objects.requireNonNull(tenants, "tenants");
  }

  /**
   * The exemplars of every open tenant of {@code tsdbs}, with the external labels {@code external}
   * plus {@code tenantLabelName=<tenant id>}, as {@link MultiTenantStore#of}.
   */
  public static MultiTenantExemplars of(
      MultiTsdb tsdbs, Map<String, String> external, String tenantLabelName) {
    return new MultiTenantExemplars(
        MultiTenantStore.tenantStores(tsdbs, external, tenantLabelName));
  }

  /**
   * Answers one request, handing each response to {@code out} as it is built.
   *
   * @throws ExemplarsQueryException if the query does not parse, or a tenant cannot answer (after
   *     the responses of the tenants before it were handed out)
   */
  public void exemplars(ExemplarsRequest r, Consumer<ExemplarsResponse> out)
      throws ExemplarsQueryException {
    List<List<Matcher>> selectors;
    try {
      selectors = PromqlSelectors.extract(r.getQuery());
    } catch (PromqlParseException e) {
      throw new ExemplarsQueryException(
          ExemplarsQueryException.Kind.INVALID_QUERY, e.getMessage(), e);
    }
    for (TenantStore t : tenants.get()) {
      List<List<Matcher>> rest = withoutExternal(selectors, t.externalLabels());
      if (rest == null) {
        continue;
      }
      if (rest.isEmpty()) {
        throw new ExemplarsQueryException(
            ExemplarsQueryException.Kind.TENANT_FAILED,
            "get exemplars for tenant "
                + t.tenant()
                + ": rpc error: code = InvalidArgument desc = no matchers specified (excluding"
                + " external labels)",
            null);
      }
      for (SeriesExemplars s : t.tsdb().head().exemplars().select(r.getStart(), r.getEnd(), rest)) {
        out.accept(response(s, t.externalLabels()));
      }
    }
  }

  /**
   * Thanos' {@code selectorsMatchesExternalLabels}: null when no selector matches the external
   * labels, else the non-empty remainders of those that do (possibly none).
   */
  static List<List<Matcher>> withoutExternal(List<List<Matcher>> selectors, Labels external) {
    boolean matched = false;
    List<List<Matcher>> out = new ArrayList<>();
    for (List<Matcher> selector : selectors) {
      List<Matcher> rest = StoreMatchers.withoutExternal(selector, external);
      if (rest == null) {
        continue;
      }
      matched = true;
      if (!rest.isEmpty()) {
        out.add(rest);
      }
    }
    return matched ? out : null;
  }

  private static ExemplarsResponse response(SeriesExemplars s, Labels external) {
    ExemplarData.Builder data =
        ExemplarData.newBuilder()
            .setSeriesLabels(
                ZLabelSet.newBuilder()
                    .addAllLabels(
                        OutputLabels.toProto(
                            OutputLabels.of(s.seriesLabels(), external, Set.of()))));
    for (io.sluice.tsdb.exemplar.Exemplar e : s.exemplars()) {
      data.addExemplars(
          Exemplar.newBuilder()
              .setLabels(ZLabelSet.newBuilder().addAllLabels(OutputLabels.toProto(e.labels())))
              .setValue(e.value())
              .setTs(e.timestampMs()));
    }
    return ExemplarsResponse.newBuilder().setData(data).build();
  }
}
