// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

/**
 * How the value of a synthetic series evolves from one scrape round to the next.
 *
 * <p>Implementations are pure functions of their inputs: the randomness comes in as {@code bits}
 * (64 random bits that the caller derives from the seed, the series and the round), so a run is
 * reproducible and does not depend on how series are split into shards or threads.
 */
sealed interface ValueModel {

  /**
   * Returns the value of the first round.
   *
   * @param bits random bits for this series and round
   * @param timestampMillis the sample's timestamp, ms since the epoch
   */
  double initial(long bits, long timestampMillis);

  /**
   * Returns the value of the next round.
   *
   * @param previous the value of the previous round
   * @param bits random bits for this series and round
   * @param timestampMillis the sample's timestamp, ms since the epoch
   * @param intervalSeconds seconds between the previous round and this one
   */
  double next(double previous, long bits, long timestampMillis, double intervalSeconds);

  /** Returns a uniform double in [0, 1) from random bits. */
  static double unit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }

  /**
   * A monotonic counter that grows by about {@code ratePerSecond} per second (uniformly between
   * half and one and a half times that rate).
   *
   * @param startMax the first value is uniform in [0, startMax)
   * @param ratePerSecond the mean increase per second
   * @param integral whether values are whole numbers (bytes, packets) or not (seconds)
   */
  record Counter(double startMax, double ratePerSecond, boolean integral) implements ValueModel {
    @Override
    public double initial(long bits, long timestampMillis) {
      double v = startMax * unit(bits);
      return integral ? Math.floor(v) : v;
    }

    @Override
    public double next(double previous, long bits, long timestampMillis, double intervalSeconds) {
      double increment = ratePerSecond * intervalSeconds * (0.5 + unit(bits));
      return previous + (integral ? Math.floor(increment) : increment);
    }
  }

  /**
   * A counter that mostly stays flat and goes up by one with a small probability per round, like
   * container restarts.
   *
   * @param probability the chance of an increment in one round
   */
  record RareCounter(double probability) implements ValueModel {
    @Override
    public double initial(long bits, long timestampMillis) {
      return unit(bits) < 0.8 ? 0 : Math.floor(unit(bits * 31) * 5);
    }

    @Override
    public double next(double previous, long bits, long timestampMillis, double intervalSeconds) {
      return unit(bits) < probability ? previous + 1 : previous;
    }
  }

  /**
   * A gauge that starts uniform in [min, max] and then takes a bounded random walk.
   *
   * @param min the smallest value
   * @param max the largest value
   * @param relativeStep the largest step of one round, as a fraction of {@code max - min}; 0 keeps
   *     the gauge constant
   * @param integral whether values are whole numbers
   */
  record Gauge(double min, double max, double relativeStep, boolean integral)
      implements ValueModel {
    @Override
    public double initial(long bits, long timestampMillis) {
      double v = min + (max - min) * unit(bits);
      return integral ? Math.floor(v) : v;
    }

    @Override
    public double next(double previous, long bits, long timestampMillis, double intervalSeconds) {
      double step = (max - min) * relativeStep * (2 * unit(bits) - 1);
      double v = Math.min(max, Math.max(min, previous + step));
      return integral ? Math.floor(v) : v;
    }
  }

  /**
   * A value that never changes: info metrics (1) and one-hot state sets (0 or 1).
   *
   * @param value the value of every sample
   */
  record Constant(double value) implements ValueModel {
    @Override
    public double initial(long bits, long timestampMillis) {
      return value;
    }

    @Override
    public double next(double previous, long bits, long timestampMillis, double intervalSeconds) {
      return value;
    }
  }

  /** The sample's own timestamp in seconds, like {@code node_time_seconds}. */
  record Clock() implements ValueModel {
    @Override
    public double initial(long bits, long timestampMillis) {
      return timestampMillis / 1000.0;
    }

    @Override
    public double next(double previous, long bits, long timestampMillis, double intervalSeconds) {
      return timestampMillis / 1000.0;
    }
  }
}
