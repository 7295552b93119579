// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

import io.sluice.receiver.proto.thanos.LabelTypes.Label;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The label set a tenant's series is returned with: its labels minus the requested replica labels,
 * extended with the tenant's external labels minus the replica labels, an external value overriding
 * a series label of the same name (Thanos' {@code ExtendSortedLabels}).
 */
final class OutputLabels {
  private OutputLabels() {}

  /** The external labels without those named in {@code without}. */
  static Labels external(Labels external, Set<String> without) {
    if (without.isEmpty()) {
      return external;
    }
    List<String> nv = new ArrayList<>(external.size() * 2);
    for (int i = 0; i < external.size(); i++) {
      if (!without.contains(external.name(i))) {
        nv.add(external.name(i));
        nv.add(external.value(i));
      }
    }
    return Labels.of(nv.toArray(String[]::new));
  }

  /**
   * {@code series} minus {@code without}, extended with {@code external} (already without the
   * replica labels; its values win).
   */
  static Labels of(Labels series, Labels external, Set<String> without) {
    int n = series.size();
    int m = external.size();
    String[] nv = new String[2 * (n + m)];
    int k = 0;
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      int c;
      if (i >= n) {
        c = 1;
      } else if (j >= m) {
        c = -1;
      } else {
        c = Utf8.compare(series.name(i), external.name(j));
      }
      if (c < 0) {
        String name = series.name(i);
        if (!without.contains(name)) {
          nv[k++] = name;
          nv[k++] = series.value(i);
        }
        i++;
      } else {
        nv[k++] = external.name(j);
        nv[k++] = external.value(j);
        j++;
        if (c == 0) {
          i++;
        }
      }
    }
    if (k == nv.length) {
      return Labels.of(nv);
    }
    String[] exact = new String[k];
    System.arraycopy(nv, 0, exact, 0, k);
    return Labels.of(exact);
  }

  /** The protobuf form of a label set, in its order. */
  static List<Label> toProto(Labels labels) {
    List<Label> out = new ArrayList<>(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      out.add(Label.newBuilder().setName(labels.name(i)).setValue(labels.value(i)).build());
    }
    return out;
  }
}
