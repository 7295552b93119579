// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.validate;

import io.sluice.receiver.decode.WriteBatch;
import java.util.Arrays;

/**
 * Checks the label set of one series the way Thanos receive's {@code ValidateLabels} does before
 * writing: the set must not be empty, no name or value may be empty, and names must be strictly
 * increasing in unsigned byte order (equal neighbours are duplicates). Label names are not checked
 * against a character set: UTF-8 names pass, as in Thanos.
 *
 * <p>Compares the raw bytes in {@link WriteBatch#buffer()}; allocates nothing. Thread-safe
 * (stateless), though a {@link WriteBatch} itself is not.
 */
public final class LabelValidator {
  private LabelValidator() {}

  /** The outcome of {@link #validate}. Thanos treats every error as a conflict (HTTP 409). */
  public enum LabelError {
    /** The label set is valid. */
    NONE(""),
    /** The series has no labels. Thanos reports it with the empty-name-or-value error. */
    EMPTY_LABEL_SET("label set contains a label with empty name or value"),
    /** A label has an empty name or an empty value. */
    EMPTY_NAME_OR_VALUE("label set contains a label with empty name or value"),
    /** A label has the same name as the one before it. */
    DUPLICATE_NAME("label set contains duplicate label names"),
    /** A label's name sorts before the name of the label before it. */
    OUT_OF_ORDER("out of order labels");

    private final String message;

    LabelError(String message) {
      this.message = message;
    }

    /** {@return Thanos' error text for this outcome; empty for {@link #NONE}} */
    public String message() {
      return message;
    }
  }

  /**
   * Validates the labels of one series. Checks labels in order and reports the first problem,
   * testing each label for emptiness before comparing it with its predecessor, as Thanos does.
   *
   * @param batch a decoded request
   * @param series the series index in {@code batch}
   * @return {@link LabelError#NONE} or the first problem found
   * @throws IndexOutOfBoundsException if the series does not exist
   */
  public static LabelError validate(WriteBatch batch, int series) {
    return validate(batch, series, -1);
  }

  /**
   * As {@link #validate(WriteBatch, int)}, as if label {@code skip} were not there (-1: none): the
   * split-tenant label, which is removed before the series is stored.
   */
  public static LabelError validate(WriteBatch batch, int series, int skip) {
    int count = batch.labelCount(series);
    if (count == 0 || (count == 1 && skip == 0)) {
      return LabelError.EMPTY_LABEL_SET;
    }
    byte[] buf = batch.buffer();
    int previousOffset = 0;
    int previousLength = 0;
    boolean first = true;
    for (int i = 0; i < count; i++) {
      if (i == skip) {
        continue;
      }
      int offset = batch.labelNameOffset(series, i);
      int length = batch.labelNameLength(series, i);
      if (length == 0 || batch.labelValueLength(series, i) == 0) {
        return LabelError.EMPTY_NAME_OR_VALUE;
      }
      if (!first) {
        int cmp =
            Arrays.compareUnsigned(
                buf, offset, offset + length, buf, previousOffset, previousOffset + previousLength);
        if (cmp == 0) {
          return LabelError.DUPLICATE_NAME;
        }
        if (cmp < 0) {
          return LabelError.OUT_OF_ORDER;
        }
      }
      previousOffset = offset;
      previousLength = length;
      first = false;
    }
    return LabelError.NONE;
  }
}
