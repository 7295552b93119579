// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.promql;

/**
 * A query that is not valid PromQL. The message has Prometheus' shape: {@code <line>:<column>:
 * parse error: <what>}, the position 1-based, in characters.
 */
public final class PromqlParseException extends Exception {
  private static final long serialVersionUID = 1L;

  PromqlParseException(String query, int pos, String what) {
    super(position(query, pos) + ": parse error: " + what);
  }

  private static String position(String query, int pos) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < Math.min(pos, query.length()); i++) {
      if (query.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return line + ":" + col;
  }
}
