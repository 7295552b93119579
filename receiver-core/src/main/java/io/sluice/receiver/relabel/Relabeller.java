// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import com.google.re2j.Matcher;
import io.sluice.tsdb.labels.PrometheusRegex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Applies relabel rules to a series' labels with the semantics of Prometheus' {@code
 * relabel.Process} (the 3.x version Thanos vendors; reference {@code prometheus-formats.md} §7):
 * rules run in order and processing stops at the first that drops the series. Each rule first joins
 * the values of its source labels (a missing label gives "") with its separator, then:
 *
 * <ul>
 *   <li>{@code keep} / {@code drop}: drops the series unless / when the regex matches the joined
 *       value;
 *   <li>{@code keepequal} / {@code dropequal}: drops it unless / when the joined value equals the
 *       value of {@code target_label};
 *   <li>{@code replace}: when the regex matches, expands {@code target_label} and {@code
 *       replacement} with its groups ({@link Template}); a target that is not a valid name leaves
 *       the labels as they are; an empty value deletes the target, another sets it;
 *   <li>{@code lowercase} / {@code uppercase}: sets {@code target_label} to the joined value with
 *       each character mapped as Go's {@code unicode.ToLower} / {@code ToUpper} do (one character
 *       to one, so {@code ß} stays {@code ß}); an empty result deletes it;
 *   <li>{@code hashmod}: sets {@code target_label} to the last 8 bytes of the MD5 of the joined
 *       value, as a big-endian unsigned 64-bit integer, modulo {@code modulus}, in decimal;
 *   <li>{@code labelmap}: for every label whose name matches, sets the label named by the expanded
 *       replacement to its value; {@code labeldrop} / {@code labelkeep}: deletes every label whose
 *       name matches / does not match.
 * </ul>
 *
 * <p>A result with no labels at all is kept, as {@code relabel.Process} keeps it; Thanos then
 * rejects it as an empty label set (409). Where a value is empty the label counts as absent.
 *
 * <p>Immutable and thread-safe: per-series state lives in the {@link LabelsBuilder}.
 */
public final class Relabeller {
  private final Rule[] rules;

  /**
   * @param configs the rules, in order; at least one
   * @throws IllegalArgumentException if {@code configs} is empty
   */
  public Relabeller(List<RelabelConfig> configs) {
    if (configs.isEmpty()) {
      throw new IllegalArgumentException("no relabel rules");
    }
    rules = new Rule[configs.size()];
    for (int i = 0; i < rules.length; i++) {
      rules[i] = new Rule(configs.get(i));
    }
  }

  /** {@return the number of rules} */
  public int size() {
    return rules.length;
  }

  /**
   * Applies the rules to the labels {@code lb} was reset to; the result is left in {@code lb} (see
   * {@link LabelsBuilder#finish}).
   *
   * @return false when a rule dropped the series
   */
  public boolean process(LabelsBuilder lb) {
    for (int i = 0; i < rules.length; i++) {
      if (!rules[i].apply(lb, lb.memo(this, i))) {
        return false;
      }
    }
    return true;
  }

  // What a replace rule made of a value: this label set to that value (deleted when empty).
  private record Replaced(String name, String value) {}

  // A remembered "no change": no match, or a target that is not a valid name.
  private static final Object NO_CHANGE = new Object();

  /** One rule, with what applying it needs precomputed. */
  private static final class Rule {
    final RelabelAction action;
    final String[] sources;
    final byte[][] sourcesUtf8;
    final String separator;
    final PrometheusRegex regex;
    // The regex is (.*): it matches everything and its groups 0 and 1 are the whole value.
    final boolean whole;
    final String target;
    final byte[] targetUtf8;
    final Template targetTemplate;
    final Template replacementTemplate;
    final String replacement;
    final long modulus;
    // Prometheus' fast path: no regex configured and neither template holds "$".
    final boolean literalOnEmpty;

    Rule(RelabelConfig c) {
      action = c.action();
      List<String> src = c.sourceLabels() == null ? List.of() : c.sourceLabels();
      sources = src.toArray(String[]::new);
      sourcesUtf8 = new byte[sources.length][];
      for (int i = 0; i < sources.length; i++) {
        sourcesUtf8[i] = sources[i].getBytes(StandardCharsets.UTF_8);
      }
      separator = c.separator();
      regex = c.regex();
      whole = regex.source().equals("(.*)");
      target = c.targetLabel();
      targetUtf8 = target.getBytes(StandardCharsets.UTF_8);
      targetTemplate = Template.parse(target, regex.pattern());
      replacementTemplate = Template.parse(c.replacement(), regex.pattern());
      replacement = c.replacement();
      modulus = c.modulus();
      literalOnEmpty = c.hasDefaultRegex() && !target.contains("$") && !replacement.contains("$");
    }

    // What the rule does depends on the joined value (or, for the name actions, on each label
    // name) only: results are remembered per value in the memo, to spare RE2/J matches.
    boolean apply(LabelsBuilder lb, RuleMemo memo) {
      String val = joined(lb);
      switch (action) {
        case DROP -> {
          return !matches(memo, val);
        }
        case KEEP -> {
          return matches(memo, val);
        }
        case DROPEQUAL -> {
          return !lb.get(target, targetUtf8).equals(val);
        }
        case KEEPEQUAL -> {
          return lb.get(target, targetUtf8).equals(val);
        }
        case REPLACE -> replace(lb, memo, val);
        case LOWERCASE, UPPERCASE, HASHMOD -> {
          String v = (String) memo.get(val);
          if (v == null) {
            v =
                action == RelabelAction.HASHMOD
                    ? hashmod(lb, val)
                    : mapCase(val, action == RelabelAction.UPPERCASE);
            memo.put(val, v);
          }
          lb.set(target, v);
        }
        case LABELMAP -> {
          for (int i = 0, n = lb.beginRange(); i < n; i++) {
            String name = lb.rangeName(i);
            Object mapped = memo.get(name);
            if (mapped == null) {
              String m = mapName(name);
              mapped = m == null ? NO_CHANGE : m;
              memo.put(name, mapped);
            }
            if (mapped != NO_CHANGE) {
              lb.set((String) mapped, lb.rangeValue(i));
            }
          }
        }
        case LABELDROP, LABELKEEP -> {
          boolean dropMatching = action == RelabelAction.LABELDROP;
          for (int i = 0, n = lb.beginRange(); i < n; i++) {
            String name = lb.rangeName(i);
            if (matches(memo, name) == dropMatching) {
              lb.del(name);
            }
          }
        }
      }
      return true;
    }

    private boolean matches(RuleMemo memo, String s) {
      Object known = memo.get(s);
      if (known != null) {
        return known == Boolean.TRUE;
      }
      boolean m = regex.matches(s);
      memo.put(s, m ? Boolean.TRUE : Boolean.FALSE);
      return m;
    }

    private String joined(LabelsBuilder lb) {
      switch (sources.length) {
        case 0 -> {
          return "";
        }
        case 1 -> {
          return lb.get(sources[0], sourcesUtf8[0]);
        }
        default -> {
          StringBuilder b = lb.scratch();
          for (int i = 0; i < sources.length; i++) {
            if (i > 0) {
              b.append(separator);
            }
            b.append(lb.get(sources[i], sourcesUtf8[i]));
          }
          return b.toString();
        }
      }
    }

    private void replace(LabelsBuilder lb, RuleMemo memo, String val) {
      if (literalOnEmpty && val.isEmpty()) {
        lb.set(target, replacement);
        return;
      }
      Object r = memo.get(val);
      if (r == null) {
        r = replacement(val);
        memo.put(val, r);
      }
      if (r instanceof Replaced done) {
        if (done.value().isEmpty()) {
          lb.del(done.name());
        } else {
          lb.set(done.name(), done.value());
        }
      }
    }

    // The label and value replace sets for val, or NO_CHANGE.
    private Object replacement(String val) {
      String name;
      String value;
      if (!targetTemplate.hasReferences() && !replacementTemplate.hasReferences()) {
        if (!regex.matches(val)) {
          return NO_CHANGE;
        }
        name = targetTemplate.literal();
        value = replacementTemplate.literal();
      } else if (whole) {
        name = targetTemplate.expandWhole(val);
        value = replacementTemplate.expandWhole(val);
      } else {
        Matcher m = regex.pattern().matcher(val);
        if (!m.find()) {
          return NO_CHANGE;
        }
        name = targetTemplate.expand(val, m);
        value = replacementTemplate.expand(val, m);
      }
      return RelabelConfig.isValidLabelName(name) ? new Replaced(name, value) : NO_CHANGE;
    }

    // Go's Regexp.ReplaceAllString(name, replacement) for a name the anchored regex matches: the
    // one match is the whole name. Null when the name does not match.
    private String mapName(String name) {
      if (!replacementTemplate.hasReferences()) {
        return regex.matches(name) ? replacementTemplate.literal() : null;
      }
      if (whole) {
        return replacementTemplate.expandWhole(name);
      }
      Matcher m = regex.pattern().matcher(name);
      return m.find() ? replacementTemplate.expand(name, m) : null;
    }

    private String hashmod(LabelsBuilder lb, String val) {
      MessageDigest md = lb.md5();
      byte[] sum = md.digest(val.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 8; i < 16; i++) {
        h = (h << 8) | (sum[i] & 0xFF);
      }
      return Long.toUnsignedString(Long.remainderUnsigned(h, modulus));
    }

    // Go's strings.ToLower / ToUpper: unicode.ToLower / ToUpper on every code point.
    private static String mapCase(String s, boolean upper) {
      int n = s.length();
      int i = 0;
      while (i < n) {
        int cp = s.codePointAt(i);
        int m = upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp);
        if (m != cp) {
          break;
        }
        i += Character.charCount(cp);
      }
      if (i == n) {
        return s;
      }
      StringBuilder b = new StringBuilder(n).append(s, 0, i);
      while (i < n) {
        int cp = s.codePointAt(i);
        b.appendCodePoint(upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp));
        i += Character.charCount(cp);
      }
      return b.toString();
    }
  }
}
