// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Configures logging as Thanos' {@code --log.level} and {@code --log.format} do: one line per event
 * on standard error, in logfmt or JSON, with the keys {@code ts}, {@code level}, {@code caller},
 * {@code msg}, the event's key-value pairs, and {@code err}.
 */
public final class LogSetup {
  private LogSetup() {}

  /**
   * Replaces the logging configuration. Call once, first thing at start.
   *
   * @param level debug, info, warn or error
   * @param format logfmt or json
   */
  public static void configure(String level, String format) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    LayoutBase<ILoggingEvent> layout = new LineLayout("json".equals(format));
    layout.setContext(ctx);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(ctx);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(ctx);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(appender);
    // Netty logs its internals at debug; keep them out of a debug-level receiver log.
    ctx.getLogger("io.netty").setLevel(Level.INFO);
  }

  /** Renders one event as a logfmt or JSON line. */
  static final class LineLayout extends LayoutBase<ILoggingEvent> {
    private final boolean json;

    LineLayout(boolean json) {
      this.json = json;
    }

    @Override
    public String doLayout(ILoggingEvent e) {
      List<String[]> fields = new ArrayList<>();
      fields.add(new String[] {"ts", Instant.ofEpochMilli(e.getTimeStamp()).toString()});
      fields.add(
          new String[] {"level", e.getLevel().toString().toLowerCase(java.util.Locale.ROOT)});
      String logger = e.getLoggerName();
      fields.add(new String[] {"caller", logger.substring(logger.lastIndexOf('.') + 1)});
      fields.add(new String[] {"msg", e.getFormattedMessage()});
      List<KeyValuePair> kvs = e.getKeyValuePairs();
      if (kvs != null) {
        for (KeyValuePair kv : kvs) {
          fields.add(new String[] {kv.key, String.valueOf(kv.value)});
        }
      }
      IThrowableProxy t = e.getThrowableProxy();
      if (t != null) {
        fields.add(new String[] {"err", t.getClassName() + ": " + t.getMessage()});
        if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
          fields.add(new String[] {"stack", ThrowableProxyUtil.asString(t)});
        }
      }
      return json ? json(fields) : logfmt(fields);
    }

    static String logfmt(List<String[]> fields) {
      StringBuilder sb = new StringBuilder();
      for (String[] f : fields) {
        if (!sb.isEmpty()) {
          sb.append(' ');
        }
        sb.append(f[0]).append('=');
        String v = f[1];
        boolean quote = v.isEmpty();
        for (int i = 0; i < v.length() && !quote; i++) {
          char c = v.charAt(i);
          quote = c <= ' ' || c == '"' || c == '=' || c == '\\';
        }
        if (quote) {
          appendQuoted(sb, v);
        } else {
          sb.append(v);
        }
      }
      return sb.append('\n').toString();
    }

    static String json(List<String[]> fields) {
      StringBuilder sb = new StringBuilder("{");
      for (String[] f : fields) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        appendQuoted(sb, f[0]);
        sb.append(':');
        appendQuoted(sb, f[1]);
      }
      return sb.append("}\n").toString();
    }

    private static void appendQuoted(StringBuilder sb, String v) {
      sb.append('"');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    }
  }
}
