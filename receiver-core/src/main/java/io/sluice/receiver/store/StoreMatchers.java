// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

import io.sluice.receiver.proto.thanos.StoreTypes.LabelMatcher;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Matcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns StoreAPI matchers into TSDB matchers and takes out those on external labels. Regexes are
 * Prometheus': fully anchored, Go's RE2 syntax, matched in linear time (see {@link
 * io.sluice.tsdb.labels.PrometheusRegex}).
 */
final class StoreMatchers {
  private StoreMatchers() {}

  /**
   * Converts and validates request matchers.
   *
   * @throws InvalidStoreRequestException for an unknown matcher type or an invalid (non-RE2) regex
   */
  static List<Matcher> fromProto(List<LabelMatcher> matchers) throws InvalidStoreRequestException {
    List<Matcher> out = new ArrayList<>(matchers.size());
    for (LabelMatcher m : matchers) {
      Matcher.Type type =
          switch (m.getType()) {
            case EQ -> Matcher.Type.EQ;
            case NEQ -> Matcher.Type.NEQ;
            case RE -> Matcher.Type.RE;
            case NRE -> Matcher.Type.NRE;
            case UNRECOGNIZED ->
                throw new InvalidStoreRequestException(
                    "unknown label matcher type " + m.getTypeValue() + " for label " + m.getName());
          };
      try {
        out.add(new Matcher(type, m.getName(), m.getValue()));
      } catch (IllegalArgumentException e) {
        throw new InvalidStoreRequestException(
            "invalid matcher " + m.getName() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * Evaluates the matchers on external label names against the tenant's external values, as Thanos'
   * {@code matchesExternalLabels}: returns null when one of them does not match (the tenant
   * contributes nothing), else the matchers that remain for the TSDB.
   */
  static List<Matcher> withoutExternal(List<Matcher> matchers, Labels external) {
    List<Matcher> rest = new ArrayList<>(matchers.size());
    for (Matcher m : matchers) {
      String v = external.get(m.name());
      if (v == null) {
        rest.add(m);
      } else if (!m.matches(v)) {
        return null;
      }
    }
    return rest;
  }
}
