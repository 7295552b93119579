// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the status page of {@code /}: plain HTML rendered on the server, one table per section,
 * readable on a phone (the viewport follows the device, wide tables scroll sideways), no script.
 * {@code ?refresh=N} makes the page reload itself every N seconds (5 to 3600).
 *
 * <p>Everything that comes from outside the code (tenant ids, addresses, errors, configuration
 * values) is escaped for HTML text and attributes.
 *
 * <p>Stateless and thread-safe.
 */
public final class StatusPage {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private static final String CSS =
      """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;\
      padding:0 .75rem 2rem;color:#1b1f24;background:#fff;line-height:1.35}
      header{padding:.6rem 0;border-bottom:2px solid #2b6cb0;margin-bottom:.5rem}
      h1{font-size:1.25rem;margin:0}h2{font-size:1.05rem;margin:1.2rem 0 .4rem}
      h3{font-size:.95rem;margin:.8rem 0 .3rem}
      nav a,header a{margin-right:.6rem}.meta{color:#555;font-size:.85rem}
      .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
      table{border-collapse:collapse;font-size:.85rem;min-width:100%}
      th,td{border-bottom:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top}
      th{background:#f3f5f8;white-space:nowrap}td.n{text-align:right;white-space:nowrap}
      .ok{color:#1a7f37}.bad{color:#b42318;font-weight:600}
      td.tenant{white-space:nowrap;font-weight:600}
      table.kv{table-layout:fixed}table.kv td:first-child{width:42%;overflow-wrap:anywhere}
      table.kv td{overflow-wrap:anywhere}
      .err{color:#b42318;min-width:16rem;overflow-wrap:anywhere}.none{color:#888}
      code{font-size:.85em}
      """;

  private StatusPage() {}

  /**
   * {@return the page}
   *
   * @param refreshSeconds reload every this many seconds, 0 for never
   */
  public static String render(
      Status.Overview overview,
      List<Status.Tenant> tenants,
      Status.Hashring hashring,
      Status.Limits limits,
      List<Status.Flag> flags,
      int refreshSeconds) {
    StringBuilder b = new StringBuilder(16_384);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    if (refreshSeconds > 0) {
      b.append("<meta http-equiv=\"refresh\" content=\"").append(refreshSeconds).append("\">");
    }
    b.append("<title>Sluice receive</title><style>").append(CSS).append("</style></head><body>");
    header(b, overview, refreshSeconds);
    tenants(b, tenants, overview.nowMs());
    hashring(b, hashring);
    limits(b, limits);
    flags(b, flags);
    b.append("</body></html>\n");
    return b.toString();
  }

  private static void header(StringBuilder b, Status.Overview o, int refresh) {
    b.append("<header><h1>Sluice receive</h1><div class=\"meta\">")
        .append(esc(o.mode()))
        .append(" · ")
        .append(
            o.ready() ? "<span class=\"ok\">ready</span>" : "<span class=\"bad\">not ready</span>")
        .append(" · up ")
        .append(esc(EffectiveFlags.duration(Math.max(0, o.nowMs() - o.startedMs()) / 1000 * 1000)))
        .append(" · ")
        .append(esc(TIME.format(Instant.ofEpochMilli(o.nowMs()))))
        .append(" · ");
    if (refresh > 0) {
      b.append("<a href=\"/\">stop auto-refresh</a>");
    } else {
      b.append("<a href=\"/?refresh=10\">auto-refresh</a>");
    }
    b.append("</div><nav class=\"meta\">");
    for (String s : List.of("tenants", "hashring", "limits", "flags")) {
      b.append("<a href=\"#").append(s).append("\">").append(s).append("</a>");
    }
    b.append("· JSON: ");
    for (String s : StatusJson.SECTIONS) {
      b.append("<a href=\"/api/v1/status/").append(s).append("\">").append(s).append("</a>");
    }
    b.append("</nav></header>");
  }

  private static void tenants(StringBuilder b, List<Status.Tenant> tenants, long now) {
    b.append("<section id=\"tenants\"><h2>Tenants</h2>");
    if (tenants.isEmpty()) {
      b.append("<p class=\"none\">No tenant yet.</p></section>");
      return;
    }
    b.append("<div class=\"scroll\"><table><thead><tr><th>Tenant</th><th>Head series</th>")
        .append("<th>Samples/s</th><th>WAL</th><th>Head span</th><th>Blocks local</th>")
        .append("<th>Uploaded</th><th>Pending</th><th>Last upload</th><th>Last error</th>")
        .append("</tr></thead><tbody>");
    for (Status.Tenant t : tenants) {
      b.append("<tr data-tenant=\"")
          .append(esc(t.tenant()))
          .append("\"><td class=\"tenant\">")
          .append(esc(t.tenant()))
          .append("</td><td class=\"n series\">")
          .append(num(t.headSeries()))
          .append("</td><td class=\"n\">")
          .append(t.samplesPerSecond() == null ? dash() : rate(t.samplesPerSecond()))
          .append("</td><td class=\"n\">")
          .append(t.walBytes() == null ? dash() : esc(EffectiveFlags.bytes(t.walBytes())))
          .append("</td><td class=\"n\">")
          .append(span(t.headMinTimeMs(), t.headMaxTimeMs()))
          .append("</td><td class=\"n\">")
          .append(num(t.blocksLocal()))
          .append("</td><td class=\"n\">")
          .append(num(t.blocksUploaded()))
          .append("</td><td class=\"n\">")
          .append(num(t.blocksPending()))
          .append("</td><td>")
          .append(ago(t.lastUploadMs(), now))
          .append("</td><td class=\"err\">");
      if (t.lastError() == null) {
        b.append(dash());
      } else {
        b.append(esc(t.lastError())).append(" (").append(ago(t.lastErrorMs(), now)).append(')');
      }
      b.append("</td></tr>");
    }
    b.append("</tbody></table></div></section>");
  }

  private static void hashring(StringBuilder b, Status.Hashring h) {
    b.append("<section id=\"hashring\"><h2>Hashring</h2><p class=\"meta\">mode ")
        .append(esc(h.mode()))
        .append(" · replication factor ")
        .append(h.replicationFactor())
        .append(" · local endpoint ")
        .append(
            h.localEndpoint().isEmpty()
                ? "(not set)"
                : "<code>" + esc(h.localEndpoint()) + "</code>")
        .append("</p>");
    for (Status.Ring r : h.rings()) {
      b.append("<h3>Ring ")
          .append(r.name().isEmpty() ? "(unnamed)" : esc(r.name()))
          .append("</h3><p class=\"meta\">")
          .append(esc(r.algorithm()))
          .append(" · tenants: ")
          .append(r.tenants().isEmpty() ? "all" : esc(String.join(", ", r.tenants())))
          .append(" · this node's share: ")
          .append(
              r.localShare() == null
                  ? "depends on the tenant"
                  : String.format(Locale.ROOT, "%.1f%%", 100 * r.localShare()))
          .append("</p><div class=\"scroll\"><table><thead><tr><th>Node</th><th>AZ</th>")
          .append("<th>State</th></tr></thead><tbody>");
      for (Status.Node n : r.nodes()) {
        b.append("<tr><td><code>")
            .append(esc(n.address()))
            .append("</code>")
            .append(n.self() ? " (this node)" : "")
            .append("</td><td>")
            .append(n.az().isEmpty() ? dash() : esc(n.az()))
            .append("</td><td>")
            .append(
                n.self()
                    ? "local"
                    : n.backedOff()
                        ? "<span class=\"bad\">backed off</span>"
                        : "<span class=\"ok\">up</span>")
            .append("</td></tr>");
      }
      b.append("</tbody></table></div>");
    }
    b.append("</section>");
  }

  private static void limits(StringBuilder b, Status.Limits l) {
    b.append("<section id=\"limits\"><h2>Limits</h2>");
    if (!l.configured()) {
      b.append("<p class=\"meta\">No write limits configured.</p>");
    } else {
      b.append("<p class=\"meta\">max concurrency ")
          .append(l.maxConcurrency() == 0 ? "unlimited" : Long.toString(l.maxConcurrency()))
          .append("</p><div class=\"scroll\"><table><thead><tr><th>Tenant</th>")
          .append("<th>Request size</th><th>Request series</th><th>Request samples</th>")
          .append("<th>Head series</th></tr></thead><tbody>");
      limitRow(b, "(default)", l.defaults());
      for (Map.Entry<String, Status.TenantLimits> e : l.tenants().entrySet()) {
        limitRow(b, esc(e.getKey()), e.getValue());
      }
      b.append("</tbody></table></div>");
    }
    Status.Memory m = l.memory();
    b.append("<h3>Memory</h3><p class=\"meta\">level ")
        .append(
            m.level() == null
                ? dash()
                : switch (m.level()) {
                  case 0 -> "<span class=\"ok\">0 (accepting)</span>";
                  case 1 -> "<span class=\"bad\">1 (refusing new series)</span>";
                  default -> "<span class=\"bad\">2 (refusing all writes)</span>";
                })
        .append(" · live heap ")
        .append(bytes(m.liveHeapBytes()))
        .append(" of ")
        .append(bytes(m.maxHeapBytes()))
        .append(" · new-series mark ")
        .append(bytes(m.newSeriesLimitBytes()))
        .append(" · writes mark ")
        .append(bytes(m.writesLimitBytes()))
        .append("</p><h3>Refused requests</h3>");
    if (l.rejections().isEmpty()) {
      b.append("<p class=\"none\">None since start.</p>");
    } else {
      b.append("<div class=\"scroll\"><table><thead><tr><th>Reason</th><th>Tenant</th>")
          .append("<th>Requests</th></tr></thead><tbody>");
      for (Status.Rejection r : l.rejections()) {
        b.append("<tr><td>")
            .append(esc(r.reason()))
            .append("</td><td>")
            .append(r.tenant().isEmpty() ? dash() : esc(r.tenant()))
            .append("</td><td class=\"n\">")
            .append(r.requests())
            .append("</td></tr>");
      }
      b.append("</tbody></table></div>");
    }
    b.append("</section>");
  }

  private static void limitRow(StringBuilder b, String escapedTenant, Status.TenantLimits t) {
    b.append("<tr><td>")
        .append(escapedTenant)
        .append("</td><td class=\"n\">")
        .append(t.requestSizeBytes() == 0 ? "∞" : esc(EffectiveFlags.bytes(t.requestSizeBytes())))
        .append("</td><td class=\"n\">")
        .append(limit(t.requestSeries()))
        .append("</td><td class=\"n\">")
        .append(limit(t.requestSamples()))
        .append("</td><td class=\"n\">")
        .append(limit(t.headSeries()))
        .append("</td></tr>");
  }

  private static void flags(StringBuilder b, List<Status.Flag> flags) {
    b.append(
            "<section id=\"flags\"><h2>Configuration</h2><div class=\"scroll\"><table class=\"kv\">")
        .append("<thead>")
        .append("<tr><th>Setting</th><th>Value</th></tr></thead><tbody>");
    for (Status.Flag f : flags) {
      b.append("<tr><td><code>")
          .append(esc(f.name()))
          .append("</code></td><td>")
          .append(esc(f.value()))
          .append("</td></tr>");
    }
    b.append("</tbody></table></div></section>");
  }

  /** {@return {@code s} escaped for HTML text and quoted attribute values} */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> null;
          };
      if (r != null) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        b.append(r);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  private static String dash() {
    return "<span class=\"none\">–</span>";
  }

  private static String num(Number n) {
    return n == null ? dash() : String.format(Locale.ROOT, "%,d", n.longValue());
  }

  private static String limit(long n) {
    return n == 0 ? "∞" : String.format(Locale.ROOT, "%,d", n);
  }

  private static String bytes(Long n) {
    return n == null ? dash() : esc(EffectiveFlags.bytes(n));
  }

  private static String rate(double r) {
    return String.format(Locale.ROOT, r >= 100 ? "%,.0f" : "%.1f", r);
  }

  private static String span(Long min, Long max) {
    if (min == null || max == null) {
      return dash();
    }
    return esc(EffectiveFlags.duration(Math.max(0, max - min) / 1000 * 1000));
  }

  private static String ago(Long ms, long now) {
    if (ms == null) {
      return dash();
    }
    long seconds = Math.max(0, now - ms) / 1000;
    return "<span title=\""
        + esc(TIME.format(Instant.ofEpochMilli(ms)))
        + "\">"
        + (seconds == 0 ? "just now" : esc(EffectiveFlags.duration(seconds * 1000)) + " ago")
        + "</span>";
  }
}
