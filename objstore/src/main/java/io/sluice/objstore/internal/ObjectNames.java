// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.internal;

import java.util.Comparator;

/** Validation and ordering of object names, shared by every {@code Bucket} implementation. */
public final class ObjectNames {

  /** Orders names by Unicode code point, which is the UTF-8 byte order S3 lists keys in. */
  public static final Comparator<String> ORDER = ObjectNames::compareCodePoints;

  private ObjectNames() {}

  /**
   * Checks an object name: non-empty, relative, no empty, {@code .} or {@code ..} segment, no
   * trailing {@code /}, no NUL character.
   *
   * @return the name
   * @throws IllegalArgumentException naming the offending name
   */
  public static String checkObjectName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("object name is empty");
    }
    if (name.endsWith("/")) {
      throw new IllegalArgumentException("object name must not end with '/': '" + name + "'");
    }
    checkSegments(name, name);
    return name;
  }

  /**
   * Checks a directory for iteration and returns it as a key prefix: {@code ""} for the root,
   * otherwise the directory followed by exactly one {@code /}.
   *
   * @throws IllegalArgumentException naming the offending directory
   */
  public static String directoryPrefix(String dir) {
    if (dir == null) {
      throw new IllegalArgumentException("directory is null");
    }
    if (dir.isEmpty()) {
      return "";
    }
    String trimmed = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("directory must not be '/': use \"\" for the root");
    }
    checkSegments(trimmed, dir);
    return trimmed + "/";
  }

  private static void checkSegments(String path, String original) {
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("name contains a NUL character: '" + original + "'");
    }
    int start = 0;
    while (true) {
      int end = path.indexOf('/', start);
      String segment = end < 0 ? path.substring(start) : path.substring(start, end);
      if (segment.isEmpty()) {
        throw new IllegalArgumentException("name has an empty segment: '" + original + "'");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "name has a '" + segment + "' segment: '" + original + "'");
      }
      if (end < 0) {
        return;
      }
      start = end + 1;
    }
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
