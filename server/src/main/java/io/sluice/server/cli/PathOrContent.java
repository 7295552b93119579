// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Thanos path-or-content flag pair ({@code extkingpin.PathOrContent}): {@code --name-file} names
 * a file, {@code --name} gives the content itself; both at once is an error. With environment
 * substitution (Thanos' {@code WithEnvSubstitution}) every {@code $(VAR)} — a name of letters,
 * digits and {@code _} — is replaced by the variable's value, and a reference to an unset variable
 * is an error. Stateless.
 */
final class PathOrContent {
  private PathOrContent() {}

  /**
   * The content of the flag pair {@code --name-file} / {@code --name}.
   *
   * @param name the content flag, e.g. {@code --receive.relabel-config}
   * @param file the value of {@code name-file}, or null
   * @param content the value of {@code name}, or null
   * @param environment the variables {@code $(VAR)} refers to
   * @return the content after substitution; "" when neither flag is given
   * @throws IllegalArgumentException naming the flag when both are given, the file cannot be read
   *     or a variable is unset
   */
  static String read(String name, Path file, String content, Map<String, String> environment) {
    String fileFlag = name + "-file";
    boolean hasFile = file != null && !file.toString().isEmpty();
    boolean hasContent = content != null && !content.isEmpty();
    if (hasFile && hasContent) {
      throw new IllegalArgumentException(
          "both " + fileFlag + " and " + name + " are set; give one of them");
    }
    String text;
    if (hasFile) {
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + fileFlag + " " + file + ": " + e, e);
      }
    } else {
      text = hasContent ? content : "";
    }
    return substitute(text, environment, hasFile ? fileFlag : name);
  }

  private static String substitute(String text, Map<String, String> env, String flag) {
    int at = text.indexOf("$(");
    if (at < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int from = 0;
    while (at >= 0) {
      int end = at + 2;
      while (end < text.length() && isNameChar(text.charAt(end))) {
        end++;
      }
      if (end == at + 2 || end >= text.length() || text.charAt(end) != ')') {
        out.append(text, from, at + 2);
        from = at + 2;
      } else {
        String var = text.substring(at + 2, end);
        String value = env.get(var);
        if (value == null) {
          throw new IllegalArgumentException(
              "invalid "
                  + flag
                  + ": found reference to unset environment variable \""
                  + var
                  + "\"");
        }
        out.append(text, from, at).append(value);
        from = end + 1;
      }
      at = text.indexOf("$(", from);
    }
    return out.append(text, from, text.length()).toString();
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
}
