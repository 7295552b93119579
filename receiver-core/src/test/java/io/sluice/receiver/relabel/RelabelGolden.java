// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The relabel golden set ({@code golden/prometheus-2.42/relabel/}, see its README): the scrape
 * page, the rule sets, the series Prometheus 2.42 sent without rules ({@code input.txt}) and with
 * each rule set ({@code expected.txt}), and what Sluice's relabeller makes of the same input.
 */
final class RelabelGolden {
  /** Where the files are in the source tree, from the module directory (tests run there). */
  static final Path SOURCE_DIR =
      Path.of("src", "test", "resources", "golden", "prometheus-2.42", "relabel");

  /** What a case with no series at all reads as in {@code expected.txt}. */
  static final String NONE = "-";

  private static final String RESOURCE = "/golden/prometheus-2.42/relabel/";
  private static final String CASE_MARK = "# case: ";

  private RelabelGolden() {}

  /** A rule set: its name and its YAML text, given as it is to Prometheus and to Sluice. */
  record Case(String name, String rules) {}

  static String read(String file) {
    try (InputStream in = RelabelGolden.class.getResourceAsStream(RESOURCE + file)) {
      if (in == null) {
        throw new IllegalStateException("no golden file " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The cases of {@code cases.yml}, in file order. */
  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    String name = null;
    StringBuilder rules = new StringBuilder();
    for (String line : read("cases.yml").split("\n", -1)) {
      if (line.startsWith(CASE_MARK)) {
        if (name != null) {
          out.add(new Case(name, rules.toString()));
        }
        name = line.substring(CASE_MARK.length()).strip();
        rules.setLength(0);
      } else if (name != null) {
        rules.append(line).append('\n');
      }
    }
    if (name != null) {
      out.add(new Case(name, rules.toString()));
    }
    return out;
  }

  /** The label sets of {@code input.txt}. */
  static List<String[]> input() {
    List<String[]> out = new ArrayList<>();
    for (String line : read("input.txt").split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(parse(line));
      }
    }
    return out;
  }

  /** Case name → label sets sent ({@link #NONE} alone when none), from {@code expected.txt}. */
  static Map<String, SortedSet<String>> expected() {
    Map<String, SortedSet<String>> out = new LinkedHashMap<>();
    for (String line : read("expected.txt").split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int tab = line.indexOf('\t');
      out.computeIfAbsent(line.substring(0, tab), k -> new TreeSet<>())
          .add(line.substring(tab + 1));
    }
    return out;
  }

  /**
   * What Prometheus' remote-write sender sends of {@code input} relabelled by Sluice with the
   * case's rules: the kept series, except those left with no labels, which the sender drops ({@code
   * storage/remote/queue_manager.go}: {@code !keep || lbls.IsEmpty()}) and Thanos receive keeps
   * (and rejects as an empty label set).
   */
  static SortedSet<String> sluice(Case c, Collection<String[]> input) {
    SortedSet<String> out = new TreeSet<>();
    Relabeller r;
    try {
      RelabelConfigs configs = RelabelConfigs.parse(c.rules());
      if (configs.isEmpty()) {
        input.forEach(l -> out.add(format(l)));
        return out;
      }
      r = new Relabeller(configs.configs());
    } catch (RelabelConfigException e) {
      throw new IllegalStateException(c.name() + ": " + e.getMessage(), e);
    }
    LabelsBuilder lb = new LabelsBuilder();
    for (String[] labels : input) {
      lb.reset(labels);
      if (!r.process(lb)) {
        continue;
      }
      lb.finish();
      String[] result = lb.toNameValuePairs();
      if (result.length > 0) {
        out.add(format(result));
      }
    }
    return out;
  }

  /** {@code {a="x", b="y"}}, values escaped as in the text exposition format. */
  static String format(String[] pairs) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(pairs[i]).append("=\"");
      for (char ch : pairs[i + 1].toCharArray()) {
        switch (ch) {
          case '\\' -> b.append("\\\\");
          case '"' -> b.append("\\\"");
          case '\n' -> b.append("\\n");
          default -> b.append(ch);
        }
      }
      b.append('"');
    }
    return b.append('}').toString();
  }

  /** The inverse of {@link #format}. */
  static String[] parse(String text) {
    List<String> out = new ArrayList<>();
    int i = 1;
    int end = text.length() - 1;
    if (text.charAt(0) != '{' || text.charAt(end) != '}') {
      throw new IllegalArgumentException("not a label set: " + text);
    }
    while (i < end) {
      int eq = text.indexOf("=\"", i);
      out.add(text.substring(i, eq));
      StringBuilder v = new StringBuilder();
      int j = eq + 2;
      for (; text.charAt(j) != '"'; j++) {
        char ch = text.charAt(j);
        if (ch == '\\') {
          char next = text.charAt(++j);
          v.append(next == 'n' ? '\n' : next);
        } else {
          v.append(ch);
        }
      }
      out.add(v.toString());
      i = j + 1;
      if (i < end && text.startsWith(", ", i)) {
        i += 2;
      }
    }
    return out.toArray(String[]::new);
  }
}
