// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import io.sluice.server.cli.HostPort;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Lists a configuration record as name–value pairs for the status page: every component, nested
 * records flattened into dotted names ({@code replication.localEndpoint}), in declaration order.
 * Reading the record's components keeps the list complete and right as the configuration grows,
 * without a second list of names to maintain.
 *
 * <p>Secrets never appear: a component whose name looks like one ({@code secretKey}, {@code
 * accessKey}, {@code sessionToken}, {@code password}, {@code credentials}, {@code authorization},
 * …) is shown as {@value #REDACTED} when it is set, whatever its type, and nothing under it is
 * read; so are map entries whose key looks like one. Values are shown with their units where the
 * name gives one: {@code …Ms} as a duration, {@code …Bytes} in binary units as well.
 *
 * <p>Stateless and thread-safe.
 */
public final class EffectiveFlags {
  /** What a secret is shown as. */
  public static final String REDACTED = "<redacted>";

  // Lists of records longer than this are summarized: the page stays readable.
  private static final int MAX_LISTED = 32;

  private static final Pattern SECRET =
      Pattern.compile(
          "secret|password|passwd|token|credential|accesskey|access_key|apikey|api_key|privatekey"
              + "|private_key|authorization|bearer|basicauth|basic_auth|cookie");

  private EffectiveFlags() {}

  /**
   * {@return {@code config}'s components as flags, secrets redacted}
   *
   * @param config a record; nested records are flattened
   * @throws IllegalArgumentException if {@code config} is not a record
   */
  public static List<Status.Flag> of(Record config) {
    List<Status.Flag> out = new ArrayList<>();
    walk("", config, out);
    return List.copyOf(out);
  }

  /** {@return whether a setting of this name holds a secret} */
  static boolean secret(String name) {
    return SECRET.matcher(name.toLowerCase(Locale.ROOT).replace("-", "")).find();
  }

  private static void walk(String prefix, Record r, List<Status.Flag> out) {
    RecordComponent[] components = r.getClass().getRecordComponents();
    if (components.length == 0) {
      out.add(new Status.Flag(prefix.isEmpty() ? "(empty)" : prefix, ""));
      return;
    }
    for (RecordComponent c : components) {
      String name = prefix.isEmpty() ? c.getName() : prefix + "." + c.getName();
      Object value;
      try {
        c.getAccessor().setAccessible(true);
        value = c.getAccessor().invoke(r);
      } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
        out.add(new Status.Flag(name, "(unreadable)"));
        continue;
      }
      add(name, c.getName(), value, out);
    }
  }

  private static void add(String name, String simpleName, Object value, List<Status.Flag> out) {
    if (secret(simpleName) && !(value instanceof Boolean)) {
      out.add(new Status.Flag(name, isSet(value) ? REDACTED : ""));
    } else if (value instanceof Record r && !valueLike(r)) {
      walk(name, r, out);
    } else if (value instanceof Collection<?> list && !list.isEmpty() && !simple(list)) {
      if (list.size() > MAX_LISTED) {
        out.add(new Status.Flag(name, list.size() + " entries"));
        return;
      }
      int i = 0;
      for (Object e : list) {
        add(name + "[" + i++ + "]", simpleName, e, out);
      }
    } else if (value instanceof Map<?, ?> m && !m.isEmpty() && !simple(m.values())) {
      // Settings per key (a tenant's limits): each entry is listed under its key.
      for (Map.Entry<?, ?> e : new TreeMap<Object, Object>(m).entrySet()) {
        String key = String.valueOf(e.getKey());
        add(name + "." + key, key, e.getValue(), out);
      }
    } else if (value instanceof Map<?, ?> m && !m.isEmpty()) {
      out.add(new Status.Flag(name, map(m)));
    } else {
      out.add(new Status.Flag(name, text(simpleName, value)));
    }
  }

  // A record whose toString is its natural notation.
  private static boolean valueLike(Record r) {
    return r instanceof HostPort;
  }

  private static boolean simple(Collection<?> list) {
    for (Object e : list) {
      if (e instanceof Record || e instanceof Collection || e instanceof Map) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSet(Object value) {
    if (value == null) {
      return false;
    }
    if (value instanceof CharSequence s) {
      return !s.isEmpty();
    }
    if (value instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    if (value instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  private static String map(Map<?, ?> m) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<?, ?> e : new TreeMap<Object, Object>(m).entrySet()) {
      if (!b.isEmpty()) {
        b.append(", ");
      }
      String key = String.valueOf(e.getKey());
      Object v = e.getValue();
      b.append(key).append('=');
      if (secret(key)) {
        b.append(REDACTED);
      } else if (v instanceof Record || v instanceof Collection || v instanceof Map) {
        b.append('(').append(v.getClass().getSimpleName()).append(')');
      } else {
        b.append('"').append(v).append('"');
      }
    }
    return b.toString();
  }

  private static String text(String name, Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Collection<?> c) {
      StringBuilder b = new StringBuilder();
      for (Object e : c) {
        if (!b.isEmpty()) {
          b.append(", ");
        }
        b.append(e);
      }
      return b.toString();
    }
    if (value instanceof Path p) {
      return p.toString();
    }
    if (value instanceof Duration d) {
      return duration(d.toMillis());
    }
    // As the flag is written: hashmod, not HASHMOD.
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
    if (value instanceof Long || value instanceof Integer) {
      long v = ((Number) value).longValue();
      if (name.endsWith("Ms") && v > 0) {
        return v + " (" + duration(v) + ")";
      }
      if (name.endsWith("Bytes") && v >= 1024) {
        return v + " (" + bytes(v) + ")";
      }
    }
    return String.valueOf(value);
  }

  /** {@return {@code ms} as Go writes a duration: 2h, 1m30s, 500ms} */
  static String duration(long ms) {
    if (ms == 0) {
      return "0s";
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    Duration d = Duration.ofMillis(ms);
    StringBuilder b = new StringBuilder();
    long days = d.toDays();
    if (days > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
      return days + "d";
    }
    long hours = d.toHours();
    if (hours > 0) {
      b.append(hours).append('h');
    }
    if (d.toMinutesPart() > 0) {
      b.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || d.toMillisPart() > 0) {
      b.append(d.toSecondsPart());
      if (d.toMillisPart() > 0) {
        b.append('.').append(String.format(Locale.ROOT, "%03d", d.toMillisPart()));
      }
      b.append('s');
    }
    return b.toString();
  }

  /** {@return {@code n} bytes in binary units: 32 MiB, 1.5 GiB} */
  static String bytes(long n) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v))
        + " "
        + units[u];
  }
}
