// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.promql;

import io.sluice.tsdb.query.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses a PromQL expression and returns the label matchers of each of its series selectors, in the
 * order they appear, as Prometheus' {@code parser.ExtractSelectors(parser.ParseExpr(q))}: for
 * {@code histogram_quantile(0.9, sum by (le) (rate(x_bucket{job="a"}[5m])))} that is {@code
 * [[__name__="x_bucket", job="a"]]}. The metric name of a selector becomes a {@code __name__}
 * equality matcher, first.
 *
 * <p>The whole PromQL grammar is parsed (numbers, strings, selectors with ranges, subqueries,
 * {@code offset} and {@code @}, function calls, aggregations with {@code by}/{@code without} before
 * or after their arguments, binary operators with {@code bool}, {@code on}/{@code ignoring} and
 * {@code group_left}/{@code group_right}, unary signs, parentheses), so that what Prometheus
 * refuses is refused: an unknown function, a selector without a matcher that selects something (as
 * {@code {a=""}}), a metric name given twice, an invalid RE2 regex. Types are not checked ({@code
 * rate(x)} passes): a selector is a selector whatever it is passed to.
 *
 * <p>Stateless and thread-safe.
 */
public final class PromqlSelectors {
  private static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "avg",
          "count",
          "min",
          "max",
          "group",
          "stddev",
          "stdvar",
          "topk",
          "bottomk",
          "count_values",
          "quantile",
          "limitk",
          "limit_ratio");

  // Prometheus' functions (promql/parser/functions.go), experimental ones included.
  private static final Set<String> FUNCTIONS =
      Set.of(
          ("abs absent absent_over_time acos acosh asin asinh atan atanh avg_over_time ceil changes"
                  + " clamp clamp_max clamp_min cos cosh count_over_time days_in_month day_of_month"
                  + " day_of_week day_of_year deg delta deriv exp first_over_time floor histogram_avg"
                  + " histogram_count histogram_sum histogram_stddev histogram_stdvar"
                  + " histogram_fraction histogram_quantile double_exponential_smoothing holt_winters"
                  + " hour idelta increase info irate label_replace label_join last_over_time ln log10"
                  + " log2 mad_over_time max_over_time min_over_time ts_of_first_over_time"
                  + " ts_of_max_over_time ts_of_min_over_time ts_of_last_over_time minute month pi"
                  + " predict_linear present_over_time quantile_over_time rad rate resets round scalar"
                  + " sgn sin sinh sort sort_desc sort_by_label sort_by_label_desc sqrt"
                  + " stddev_over_time stdvar_over_time sum_over_time tan tanh time timestamp vector"
                  + " year")
              .split(" "));

  // Binary operators by precedence, lowest first; ^ is right-associative.
  private static final List<Set<String>> LEVELS =
      List.of(
          Set.of("or"),
          Set.of("and", "unless"),
          Set.of("==", "!=", "<", "<=", ">", ">="),
          Set.of("+", "-"),
          Set.of("*", "/", "%", "atan2"),
          Set.of("^"));

  private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=");

  private final String query;
  private final List<Token> tokens;
  private final List<List<Matcher>> selectors = new ArrayList<>();
  private int p;

  private PromqlSelectors(String query, List<Token> tokens) {
    this.query = query;
    this.tokens = tokens;
  }

  /**
   * The matchers of every series selector of {@code query}, in order.
   *
   * @throws PromqlParseException if {@code query} is not a valid PromQL expression
   */
  public static List<List<Matcher>> extract(String query) throws PromqlParseException {
    PromqlSelectors s = new PromqlSelectors(query, PromqlLexer.lex(query));
    if (s.peek().kind() == Token.Kind.EOF) {
      throw new PromqlParseException(query, 0, "no expression found in input");
    }
    s.expr(0);
    if (s.peek().kind() != Token.Kind.EOF) {
      throw s.unexpected("");
    }
    return List.copyOf(s.selectors);
  }

  private Token peek() {
    return tokens.get(p);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(p + ahead, tokens.size() - 1));
  }

  private Token take() {
    Token t = tokens.get(p);
    if (t.kind() != Token.Kind.EOF) {
      p++;
    }
    return t;
  }

  private void expect(String symbol, String context) throws PromqlParseException {
    if (!peek().is(symbol)) {
      throw unexpected(context + ", expected \"" + symbol + "\"");
    }
    take();
  }

  private PromqlParseException unexpected(String context) {
    Token t = peek();
    String what =
        t.kind() == Token.Kind.EOF ? "unexpected end of input" : "unexpected " + t.describe();
    return new PromqlParseException(query, t.pos(), what + context);
  }

  // ---- Expressions ----

  private void expr(int level) throws PromqlParseException {
    if (level == LEVELS.size()) {
      unary();
      return;
    }
    expr(level + 1);
    while (isOperator(peek(), level)) {
      String op = take().text();
      binaryModifiers(op);
      // ^ binds to the right: its right side may hold another ^.
      expr(op.equals("^") ? level : level + 1);
    }
  }

  private static boolean isOperator(Token t, int level) {
    return (t.kind() == Token.Kind.SYMBOL || t.kind() == Token.Kind.IDENTIFIER)
        && LEVELS.get(level).contains(t.text());
  }

  // bool, on/ignoring (labels), group_left/group_right [(labels)].
  private void binaryModifiers(String op) throws PromqlParseException {
    if (peek().is("bool")) {
      if (!COMPARISONS.contains(op)) {
        throw unexpected(": bool modifier can only be used on comparison operators");
      }
      take();
    }
    if (peek().is("on") || peek().is("ignoring")) {
      take();
      labelList();
      if (peek().is("group_left") || peek().is("group_right")) {
        take();
        if (peek().is("(")) {
          labelList();
        }
      }
    }
  }

  private void unary() throws PromqlParseException {
    if (peek().is("+") || peek().is("-")) {
      take();
      unary();
      return;
    }
    primary();
    postfix();
  }

  // [range], [range:step] (subquery), offset d, @ t; in any order, as Prometheus accepts them.
  private void postfix() throws PromqlParseException {
    while (true) {
      if (peek().is("[")) {
        take();
        duration("in range");
        if (peek().is(":")) {
          take();
          if (!peek().is("]")) {
            duration("in subquery step");
          }
        }
        expect("]", " in range");
      } else if (peek().is("offset")) {
        take();
        if (peek().is("-") || peek().is("+")) {
          take();
        }
        duration("in offset");
      } else if (peek().is("@")) {
        take();
        if (peek().is("start") || peek().is("end")) {
          take();
          expect("(", " in @");
          expect(")", " in @");
        } else {
          if (peek().is("-") || peek().is("+")) {
            take();
          }
          if (peek().kind() != Token.Kind.NUMBER) {
            throw unexpected(" in @, expected timestamp");
          }
          take();
        }
      } else {
        return;
      }
    }
  }

  private void duration(String context) throws PromqlParseException {
    Token t = peek();
    if (t.kind() != Token.Kind.DURATION && t.kind() != Token.Kind.NUMBER) {
      throw unexpected(" " + context + ", expected duration");
    }
    take();
  }

  private void primary() throws PromqlParseException {
    Token t = peek();
    switch (t.kind()) {
      case NUMBER, DURATION, STRING -> take();
      case SYMBOL -> {
        if (t.is("(")) {
          take();
          expr(0);
          expect(")", " in parenthesized expression");
        } else if (t.is("{")) {
          selector(null);
        } else {
          throw unexpected("");
        }
      }
      case IDENTIFIER -> identifier();
      case EOF -> throw unexpected("");
    }
  }

  private void identifier() throws PromqlParseException {
    Token t = peek();
    String name = t.text();
    Token after = peek(1);
    if (AGGREGATIONS.contains(name) && (after.is("(") || after.is("by") || after.is("without"))) {
      aggregation();
    } else if (after.is("(")) {
      if (!FUNCTIONS.contains(name)) {
        throw new PromqlParseException(
            query, t.pos(), "unknown function with name \"" + name + "\"");
      }
      take();
      arguments();
    } else {
      take();
      selector(name);
    }
  }

  private void aggregation() throws PromqlParseException {
    take();
    boolean grouped = false;
    if (peek().is("by") || peek().is("without")) {
      take();
      labelList();
      grouped = true;
    }
    arguments();
    if (!grouped && (peek().is("by") || peek().is("without"))) {
      take();
      labelList();
    }
  }

  private void arguments() throws PromqlParseException {
    expect("(", "");
    if (peek().is(")")) {
      take();
      return;
    }
    while (true) {
      expr(0);
      if (peek().is(",")) {
        take();
        if (peek().is(")")) {
          take();
          return;
        }
        continue;
      }
      expect(")", " in function call");
      return;
    }
  }

  // ( name, name, ... ) with an optional trailing comma.
  private void labelList() throws PromqlParseException {
    expect("(", " in grouping opts");
    while (!peek().is(")")) {
      Token t = peek();
      if (t.kind() != Token.Kind.IDENTIFIER && t.kind() != Token.Kind.STRING) {
        throw unexpected(" in grouping opts, expected label");
      }
      take();
      if (peek().is(",")) {
        take();
      } else if (!peek().is(")")) {
        throw unexpected(" in grouping opts, expected \",\" or \")\"");
      }
    }
    take();
  }

  // ---- Selectors ----

  private void selector(String metricName) throws PromqlParseException {
    int pos = peek().pos();
    List<Matcher> matchers = new ArrayList<>();
    if (metricName != null) {
      matchers.add(new Matcher(Matcher.Type.EQ, "__name__", metricName));
    }
    if (peek().is("{")) {
      take();
      while (!peek().is("}")) {
        matcher(matchers, metricName != null);
        if (peek().is(",")) {
          take();
        } else if (!peek().is("}")) {
          throw unexpected(" in label matching, expected \",\" or \"}\"");
        }
      }
      take();
    }
    boolean selects = false;
    int names = 0;
    for (Matcher m : matchers) {
      selects |= !m.matches("");
      names += m.name().equals("__name__") ? 1 : 0;
    }
    if (names > 1 && metricName != null) {
      throw new PromqlParseException(
          query, pos, "metric name must not be set twice: \"" + metricName + "\"");
    }
    if (!selects) {
      throw new PromqlParseException(
          query, pos, "vector selector must contain at least one non-empty matcher");
    }
    selectors.add(List.copyOf(matchers));
  }

  private void matcher(List<Matcher> out, boolean named) throws PromqlParseException {
    Token name = peek();
    if (name.kind() == Token.Kind.STRING && !isMatchOp(peek(1))) {
      // A quoted metric name: {"my.metric", job="a"}.
      take();
      if (named) {
        throw new PromqlParseException(
            query, name.pos(), "metric name must not be set twice: \"" + name.text() + "\"");
      }
      out.add(new Matcher(Matcher.Type.EQ, "__name__", name.text()));
      return;
    }
    if (name.kind() != Token.Kind.IDENTIFIER && name.kind() != Token.Kind.STRING) {
      throw unexpected(" in label matching, expected identifier or \"}\"");
    }
    if (name.kind() == Token.Kind.IDENTIFIER && name.text().indexOf(':') >= 0) {
      throw unexpected(" in label matching, expected label name");
    }
    take();
    Token op = peek();
    if (!isMatchOp(op)) {
      throw unexpected(" in label matching, expected label matching operator");
    }
    take();
    Token value = peek();
    if (value.kind() == Token.Kind.NUMBER || value.kind() == Token.Kind.DURATION) {
      // Prometheus' lexer has no numbers inside braces.
      throw new PromqlParseException(
          query,
          value.pos(),
          "unexpected character inside braces: '" + value.text().charAt(0) + "'");
    }
    if (value.kind() != Token.Kind.STRING) {
      throw unexpected(" in label matching, expected string");
    }
    take();
    Matcher.Type type =
        switch (op.text()) {
          case "=" -> Matcher.Type.EQ;
          case "!=" -> Matcher.Type.NEQ;
          case "=~" -> Matcher.Type.RE;
          default -> Matcher.Type.NRE;
        };
    try {
      out.add(new Matcher(type, name.text(), value.text()));
    } catch (IllegalArgumentException e) {
      throw new PromqlParseException(query, value.pos(), e.getMessage());
    }
  }

  private static boolean isMatchOp(Token t) {
    return t.kind() == Token.Kind.SYMBOL
        && (t.text().equals("=")
            || t.text().equals("!=")
            || t.text().equals("=~")
            || t.text().equals("!~"));
  }
}
