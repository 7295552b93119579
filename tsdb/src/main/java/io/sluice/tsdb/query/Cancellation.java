// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Polling of a query's cancellation signal (a {@link BooleanSupplier}, such as a gRPC call's {@code
 * Context::isCancelled}) from the loops of a query: the matching of label values, the lookup of
 * candidate series, the filtering by time range. A query that finds its signal set throws {@link
 * CancellationException}; every {@value #INTERVAL}th step polls, so a signal may be polled often
 * and should be cheap. Stateless.
 */
public final class Cancellation {
  /** A signal that is never set: a query that runs to its end. */
  public static final BooleanSupplier NEVER = () -> false;

  /** Steps between two polls of the signal in a loop. */
  public static final int INTERVAL = 64;

  private Cancellation() {}

  /**
   * Throws if {@code cancelled} is set.
   *
   * @throws CancellationException when the signal is set
   */
  public static void check(BooleanSupplier cancelled) {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("query cancelled");
    }
  }

  /**
   * Polls {@code cancelled} when {@code step} is a multiple of {@link #INTERVAL} (so step 0 polls).
   *
   * @throws CancellationException when the signal is set
   */
  public static void check(BooleanSupplier cancelled, long step) {
    if (step % INTERVAL == 0) {
      check(cancelled);
    }
  }

  /**
   * {@code filter}, polling {@code cancelled} every {@link #INTERVAL} tests: for the label-value
   * filters a {@link PostingsSource#union} runs, which may test millions of values. The returned
   * filter counts its calls and is for one thread.
   */
  public static Predicate<String> filter(Predicate<String> filter, BooleanSupplier cancelled) {
    if (cancelled == NEVER) {
      return filter;
    }
    return new Predicate<>() {
      private long tested;

      @Override
      public boolean test(String value) {
        check(cancelled, tested++);
        return filter.test(value);
      }
    };
  }
}
