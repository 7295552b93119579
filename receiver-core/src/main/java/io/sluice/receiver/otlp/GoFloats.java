// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import java.math.BigDecimal;

/**
 * Go's float formatting where the translator's output depends on it: {@code strconv.FormatFloat(f,
 * 'f', -1, 64)} (the {@code le} and {@code quantile} label values) and the JSON-style formatting
 * OpenTelemetry's {@code pcommon.Value.AsString} gives double attributes. Both print the shortest
 * decimal that reads back as the same double, which is what {@link Double#toString} finds (JDK 19
 * and later). Stateless.
 */
final class GoFloats {
  private GoFloats() {}

  /**
   * {@return {@code strconv.FormatFloat(f, 'f', -1, 64)}: {@code 0.25}, {@code 100}, {@code +Inf}}
   */
  static String plain(double f) {
    if (Double.isNaN(f)) {
      return "NaN";
    }
    if (Double.isInfinite(f)) {
      return f > 0 ? "+Inf" : "-Inf";
    }
    if (f == 0) {
      return (Double.doubleToRawLongBits(f) < 0) ? "-0" : "0";
    }
    return new BigDecimal(Double.toString(f)).stripTrailingZeros().toPlainString();
  }

  /**
   * {@return a double attribute as OpenTelemetry's Go {@code AsString} writes it: plain decimal,
   * exponent form ({@code 1e+21}, {@code 1e-7}) below 1e-6 and from 1e21 on}
   */
  static String attribute(double f) {
    if (Double.isNaN(f) || Double.isInfinite(f)) {
      String g = Double.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf";
      return "json: unsupported value: " + g;
    }
    double abs = Math.abs(f);
    if (abs == 0 || abs >= 1e-6 && abs < 1e21) {
      return plain(f);
    }
    BigDecimal d = new BigDecimal(Double.toString(f)).stripTrailingZeros();
    String digits = d.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - d.scale();
    StringBuilder b = new StringBuilder();
    if (f < 0) {
      b.append('-');
    }
    b.append(digits.charAt(0));
    if (digits.length() > 1) {
      b.append('.').append(digits, 1, digits.length());
    }
    b.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    // Go pads the exponent to two digits; the JSON style then drops the pad of a negative one.
    if (a < 10 && exp > 0) {
      b.append('0');
    }
    return b.append(a).toString();
  }
}
