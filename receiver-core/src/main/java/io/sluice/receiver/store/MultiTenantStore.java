// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.proto.thanos.LabelTypes.ZLabelSet;
import io.sluice.receiver.proto.thanos.StoreRpc.Aggr;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelNamesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelNamesResponse;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelValuesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelValuesResponse;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesRequest;
import io.sluice.receiver.proto.thanos.StoreTypes.PartialResponseStrategy;
import io.sluice.receiver.proto.thanos.info.InfoRpc.ExemplarsInfo;
import io.sluice.receiver.proto.thanos.info.InfoRpc.InfoResponse;
import io.sluice.receiver.proto.thanos.info.InfoRpc.StatusInfo;
import io.sluice.receiver.proto.thanos.info.InfoRpc.StoreInfo;
import io.sluice.receiver.proto.thanos.info.InfoRpc.TSDBInfo;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import io.sluice.tsdb.query.Cancellation;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The StoreAPI of a receiver: one store per tenant behind a merge, answering as {@code thanos
 * receive} does (thanos-receive.md §9.3–9.4).
 *
 * <ul>
 *   <li>Matchers on a tenant's external label names are evaluated against its external values: a
 *       mismatch leaves the tenant out, a match is removed; a tenant left with no matcher fails
 *       with "no matchers specified (excluding external labels)" (a warning under the WARN
 *       strategy, an {@link InvalidStoreRequestException} under ABORT).
 *   <li>Every returned series carries the tenant's external labels, which override series labels of
 *       the same name; {@code without_replica_labels} are removed from both.
 *   <li>Series come sorted by full label set in unsigned UTF-8 byte order, chunks as stored.
 * </ul>
 *
 * <p>Thread-safe; each call reads the tenants present at its start.
 */
public final class MultiTenantStore {
  /** {@code ComponentType} of a receiver in {@code thanos.info.Info/Info}. */
  public static final String COMPONENT = "receive";

  private final Supplier<List<TenantStore>> tenants;
  private final int frameBytes;

  /**
   * A store over the tenants {@code tenants} returns at each call.
   *
   * @param frameBytes target size of one series frame ({@link SeriesStream#FRAME_BYTES})
   */
  public MultiTenantStore(Supplier<List<TenantStore>> tenants, int frameBytes) {
    this.tenants = Objects.requireNonNull(tenants, "tenants");
    if (frameBytes <= 0) {
      throw new IllegalArgumentException("frameBytes must be positive: " + frameBytes);
    }
    this.frameBytes = frameBytes;
  }

  /**
   * The store over every open tenant of {@code tsdbs}; a tenant's external labels are {@code
   * external} plus {@code tenantLabelName=<tenant id>}.
   */
  public static MultiTenantStore of(
      MultiTsdb tsdbs, Map<String, String> external, String tenantLabelName) {
    return new MultiTenantStore(
        tenantStores(tsdbs, external, tenantLabelName), SeriesStream.FRAME_BYTES);
  }

  /** The open tenants of {@code tsdbs} with their external labels, sorted by tenant, per call. */
  static Supplier<List<TenantStore>> tenantStores(
      MultiTsdb tsdbs, Map<String, String> external, String tenantLabelName) {
    Map<String, String> ext = Map.copyOf(external);
    return () -> {
      List<TenantStore> out = new ArrayList<>();
      for (MultiTsdb.Tenant t : tsdbs.tenants()) {
        out.add(new TenantStore(t.id(), t.tsdb(), externalLabels(ext, tenantLabelName, t.id())));
      }
      out.sort(Comparator.comparing(TenantStore::tenant, Utf8.ORDER));
      return out;
    };
  }

  /** {@code external} plus {@code tenantLabelName=tenant} (the tenant label wins). */
  public static Labels externalLabels(
      Map<String, String> external, String tenantLabelName, String tenant) {
    TreeMap<String, String> all = new TreeMap<>(external);
    all.put(tenantLabelName, tenant);
    String[] nv = new String[all.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : all.entrySet()) {
      nv[i++] = e.getKey();
      nv[i++] = e.getValue();
    }
    return Labels.of(nv);
  }

  /**
   * Validates a Series request and returns its responses, to be pulled and then closed by the
   * caller.
   *
   * @param cancelled polled while the stream works; once true, {@link SeriesStream#next} throws
   *     {@link java.util.concurrent.CancellationException}
   * @throws InvalidStoreRequestException when there are no matchers, a matcher or enum value is
   *     invalid, {@code min_time > max_time}, or the shard is out of range
   */
  public SeriesStream series(SeriesRequest r, BooleanSupplier cancelled)
      throws InvalidStoreRequestException {
    if (r.getMinTime() > r.getMaxTime()) {
      throw new InvalidStoreRequestException(
          "min_time " + r.getMinTime() + " is after max_time " + r.getMaxTime());
    }
    List<Matcher> matchers = StoreMatchers.fromProto(r.getMatchersList());
    if (matchers.isEmpty()) {
      throw new InvalidStoreRequestException("no matchers specified (excluding selector labels)");
    }
    for (Aggr a : r.getAggregatesList()) {
      if (a == Aggr.UNRECOGNIZED) {
        throw new InvalidStoreRequestException(
            "unknown aggregate in " + r.getAggregatesValueList());
      }
    }
    boolean abort = abort(r.getPartialResponseStrategy(), r.getPartialResponseDisabled());
    if (r.getResponseBatchSize() < 0) {
      throw new InvalidStoreRequestException(
          "response_batch_size must not be negative: " + r.getResponseBatchSize());
    }
    ShardMatcher shard = ShardMatcher.of(r.hasShardInfo() ? r.getShardInfo() : null);
    return new SeriesStream(
        tenants.get(),
        r.getMinTime(),
        r.getMaxTime(),
        matchers,
        abort,
        r.getSkipChunks(),
        Set.copyOf(r.getWithoutReplicaLabelsList()),
        r.getLimit(),
        (int) Math.min(Integer.MAX_VALUE, r.getResponseBatchSize()),
        shard,
        Objects.requireNonNull(cancelled, "cancelled"),
        frameBytes);
  }

  private static boolean abort(PartialResponseStrategy s, boolean disabled)
      throws InvalidStoreRequestException {
    if (s == PartialResponseStrategy.UNRECOGNIZED) {
      throw new InvalidStoreRequestException("unknown partial_response_strategy");
    }
    return disabled || s == PartialResponseStrategy.ABORT;
  }

  /**
   * Label names: per tenant the TSDB's names (of series matching the remaining matchers) plus the
   * external label names not in {@code without_replica_labels} when the TSDB returned any; merged,
   * sorted, at most {@code limit} when positive.
   *
   * @throws InvalidStoreRequestException for an invalid matcher or enum value
   */
  public LabelNamesResponse labelNames(LabelNamesRequest r) throws InvalidStoreRequestException {
    return labelNames(r, Cancellation.NEVER);
  }

  /**
   * {@link #labelNames(LabelNamesRequest)}, polling {@code cancelled} while it works.
   *
   * @throws InvalidStoreRequestException for an invalid matcher or enum value
   * @throws java.util.concurrent.CancellationException once {@code cancelled} is set
   */
  public LabelNamesResponse labelNames(LabelNamesRequest r, BooleanSupplier cancelled)
      throws InvalidStoreRequestException {
    List<Matcher> matchers = StoreMatchers.fromProto(r.getMatchersList());
    abort(r.getPartialResponseStrategy(), r.getPartialResponseDisabled());
    Set<String> without = Set.copyOf(r.getWithoutReplicaLabelsList());
    TreeSet<String> names = new TreeSet<>(Utf8.ORDER);
    for (TenantStore t : tenants.get()) {
      List<Matcher> rest = StoreMatchers.withoutExternal(matchers, t.externalLabels());
      if (rest == null) {
        continue;
      }
      List<String> got;
      try (Querier q = t.tsdb().querier(cancelled)) {
        got = q.labelNames(r.getStart(), r.getEnd(), rest);
      }
      if (got.isEmpty()) {
        continue;
      }
      names.addAll(got);
      Labels ext = t.externalLabels();
      for (int i = 0; i < ext.size(); i++) {
        if (!without.contains(ext.name(i))) {
          names.add(ext.name(i));
        }
      }
    }
    return LabelNamesResponse.newBuilder().addAllNames(limited(names, r.getLimit())).build();
  }

  /**
   * Values of one label: empty when it is a requested replica label; for an external label its
   * value when the tenant has a series matching the remaining matchers (or there are none);
   * otherwise the TSDB's values. Merged over tenants, sorted, at most {@code limit} when positive.
   *
   * @throws InvalidStoreRequestException for an empty label name, an invalid matcher or enum value
   */
  public LabelValuesResponse labelValues(LabelValuesRequest r) throws InvalidStoreRequestException {
    return labelValues(r, Cancellation.NEVER);
  }

  /**
   * {@link #labelValues(LabelValuesRequest)}, polling {@code cancelled} while it works.
   *
   * @throws InvalidStoreRequestException for an empty label name, an invalid matcher or enum value
   * @throws java.util.concurrent.CancellationException once {@code cancelled} is set
   */
  public LabelValuesResponse labelValues(LabelValuesRequest r, BooleanSupplier cancelled)
      throws InvalidStoreRequestException {
    if (r.getLabel().isEmpty()) {
      throw new InvalidStoreRequestException("label name parameter cannot be empty");
    }
    List<Matcher> matchers = StoreMatchers.fromProto(r.getMatchersList());
    abort(r.getPartialResponseStrategy(), r.getPartialResponseDisabled());
    if (r.getWithoutReplicaLabelsList().contains(r.getLabel())) {
      return LabelValuesResponse.getDefaultInstance();
    }
    TreeSet<String> values = new TreeSet<>(Utf8.ORDER);
    for (TenantStore t : tenants.get()) {
      List<Matcher> rest = StoreMatchers.withoutExternal(matchers, t.externalLabels());
      if (rest == null) {
        continue;
      }
      String ext = t.externalLabels().get(r.getLabel());
      try (Querier q = t.tsdb().querier(cancelled)) {
        if (ext != null) {
          if (rest.isEmpty()) {
            values.add(ext);
          } else {
            SeriesSet set = q.select(r.getStart(), r.getEnd(), rest);
            if (set.hasNext()) {
              values.add(ext);
            }
          }
        } else {
          values.addAll(q.labelValues(r.getLabel(), r.getStart(), r.getEnd(), rest));
        }
      }
    }
    return LabelValuesResponse.newBuilder().addAllValues(limited(values, r.getLimit())).build();
  }

  private static List<String> limited(TreeSet<String> sorted, long limit) {
    List<String> out = new ArrayList<>(sorted);
    if (limit > 0 && out.size() > limit) {
      return out.subList(0, (int) limit);
    }
    return out;
  }

  /**
   * The Info response of a ready receiver: component {@code receive}; one label set per tenant (its
   * external labels); a store that spans from the oldest tenant data ({@link Long#MAX_VALUE} when
   * every tenant is empty) to {@link Long#MAX_VALUE}, supports sharding and without-replica-labels,
   * and lists each tenant's TSDB; empty exemplar and status infos.
   */
  public InfoResponse info() {
    List<TenantStore> all = tenants.get();
    InfoResponse.Builder b = InfoResponse.newBuilder().setComponentType(COMPONENT);
    StoreInfo.Builder store =
        StoreInfo.newBuilder()
            .setMaxTime(Long.MAX_VALUE)
            .setSupportsSharding(true)
            .setSupportsWithoutReplicaLabels(true);
    long minTime = all.isEmpty() ? Long.MIN_VALUE : Long.MAX_VALUE;
    for (TenantStore t : all) {
      ZLabelSet set =
          ZLabelSet.newBuilder().addAllLabels(OutputLabels.toProto(t.externalLabels())).build();
      b.addLabelSets(set);
      // The oldest local block's start, else the head's (Thanos' StartTime).
      long tenantMin = t.tsdb().minTime();
      minTime = Math.min(minTime, tenantMin);
      store.addTsdbInfos(
          TSDBInfo.newBuilder().setLabels(set).setMinTime(tenantMin).setMaxTime(Long.MAX_VALUE));
    }
    store.setMinTime(minTime);
    return b.setStore(store)
        .setExemplars(ExemplarsInfo.getDefaultInstance())
        .setStatus(StatusInfo.getDefaultInstance())
        .build();
  }
}
