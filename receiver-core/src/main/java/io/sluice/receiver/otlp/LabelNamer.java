// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

/**
 * The Prometheus label name of an OTLP attribute key, as {@code prometheus/otlptranslator}'s {@code
 * LabelNamer} (v1.0.0, UTF-8 off, the settings Thanos uses) builds it: every character outside
 * {@code [a-zA-Z0-9]} becomes {@code _} and runs of them one {@code _} ({@code http.status__code}
 * is {@code http_status_code}); a name of the reserved form {@code __x__} keeps its double
 * underscores around the sanitised middle; a leading digit gets {@code key_} before it. An empty
 * key and a key that sanitises to underscores only are errors. Stateless.
 */
final class LabelNamer {
  private LabelNamer() {}

  /** An attribute key that has no Prometheus label name. */
  static final class InvalidLabelNameException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidLabelNameException(String message) {
      super(message);
    }
  }

  /**
   * @param key the attribute key
   * @return the label name
   * @throws InvalidLabelNameException with Prometheus' message when there is none
   */
  static String build(String key) throws InvalidLabelNameException {
    if (key.isEmpty()) {
      throw new InvalidLabelNameException("label name is empty");
    }
    boolean reserved = key.length() >= 4 && key.startsWith("__") && key.endsWith("__");
    String middle = reserved ? key.substring(2, key.length() - 2) : key;
    StringBuilder b = new StringBuilder(key.length() + 4);
    if (reserved) {
      b.append("__");
    }
    boolean prevUnderscore = false;
    for (int i = 0; i < middle.length(); ) {
      int cp = middle.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z' || cp >= '0' && cp <= '9') {
        b.append((char) cp);
        prevUnderscore = false;
      } else if (!prevUnderscore) {
        b.append('_');
        prevUnderscore = true;
      }
    }
    if (reserved) {
      b.append("__");
    }
    String name = b.toString();
    if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
      name = "key_" + name;
    }
    if (name.chars().allMatch(c -> c == '_')) {
      throw new InvalidLabelNameException(
          "normalization for label name "
              + io.sluice.receiver.relabel.GoQuote.quote(key)
              + " resulted in invalid name "
              + io.sluice.receiver.relabel.GoQuote.quote(name));
    }
    return name;
  }
}
