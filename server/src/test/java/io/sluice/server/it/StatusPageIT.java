// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page of a real receiver, as a browser shows it: the packaged receiver takes a write
 * for a tenant, and headless Chromium loads {@code /} of {@code --http-address} at a phone's width,
 * finds the tenant with its head series in the rendered DOM and saves a screenshot under {@code
 * target/}. The receiver is given S3 credentials inline: neither the page nor the JSON shows them.
 */
class StatusPageIT {
  private static final String TENANT = "status-test-tenant";
  private static final String SECRET = "Status-Page-Secret-Key-1234";
  private static final Path SCREENSHOT = Path.of("target", "status-page.png");
  private static final int PHONE_WIDTH = 412;
  private static final int PHONE_HEIGHT = 915;

  @TempDir Path dir;

  private ExternalProcess sluice;

  @AfterEach
  void stop() throws Exception {
    if (sluice != null) {
      sluice.close();
    }
  }

  private static RemoteWrite.WriteRequest threeSeries(long now) {
    RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
    for (int i = 0; i < 3; i++) {
      req.addTimeseries(
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(label("__name__", "status_page_test"))
              .addLabels(label("instance", "host-" + i))
              .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(now).setValue(i)));
    }
    return req.build();
  }

  private static RemoteWrite.Label label(String name, String value) {
    return RemoteWrite.Label.newBuilder().setName(name).setValue(value).build();
  }

  @Test
  void aBrowserShowsATenantWrittenAMomentAgoWithItsHeadSeries() throws Exception {
    HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(dir.resolve("chr")));
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    // An endpoint nothing listens on: the receiver starts all the same, and uploads fail.
    String objstore =
        "type: S3\nconfig:\n  bucket: status\n  endpoint: 127.0.0.1:1\n  access_key: status\n"
            + "  secret_key: "
            + SECRET
            + "\n  insecure: true\n";
    sluice =
        ItFixtures.startSluice(
            dir.resolve("data"),
            rw,
            web,
            dir.resolve("sluice.log"),
            "--objstore.config=" + objstore,
            "--receive.limits-config=write:\n  tenants:\n    limited:\n      request:\n"
                + "        series_limit: 1\n");
    long now = System.currentTimeMillis();
    assertThat(ItFixtures.remoteWrite(rw, TENANT, threeSeries(now))).isEqualTo(200);
    assertThat(ItFixtures.remoteWrite(rw, "limited", threeSeries(now))).isEqualTo(413);

    String url = "http://127.0.0.1:" + web + "/";
    String dom = chromium.dumpDom(url, PHONE_WIDTH, PHONE_HEIGHT);

    assertThat(dom)
        .as(sluice.output())
        .contains("<title>Sluice receive</title>")
        .contains(
            "<tr data-tenant=\""
                + TENANT
                + "\"><td class=\"tenant\">"
                + TENANT
                + "</td><td class=\"n series\">3</td>")
        .contains("Hashring")
        .contains("<tr><td>limited</td><td class=\"n\">∞</td><td class=\"n\">1</td>")
        .contains("<tr><td>limit:series</td><td>limited</td><td class=\"n\">1</td></tr>")
        .contains("<tr><td>http:413</td><td>limited</td><td class=\"n\">1</td></tr>")
        .contains("Configuration")
        .doesNotContain(SECRET);

    chromium.screenshot(url, PHONE_WIDTH, PHONE_HEIGHT, SCREENSHOT);
    BufferedImage png = ImageIO.read(SCREENSHOT.toFile());
    assertThat(png).as("a PNG at %s", SCREENSHOT.toAbsolutePath()).isNotNull();
    assertThat(png.getWidth()).isEqualTo(PHONE_WIDTH);
    assertThat(png.getHeight()).isEqualTo(PHONE_HEIGHT);

    HttpResponse<String> tenants = ItFixtures.get(web, "/api/v1/status/tenants");
    assertThat(tenants.statusCode()).isEqualTo(200);
    assertThat(tenants.body()).contains("\"tenant\":\"" + TENANT + "\",\"headSeries\":3,");
    assertThat(ItFixtures.get(web, "/api/v1/status/limits").body())
        .contains("\"configured\":true")
        .contains("\"limited\":{\"requestSizeBytes\":0,\"requestSeries\":1,")
        .contains("{\"reason\":\"limit:series\",\"tenant\":\"limited\",\"requests\":1}");
    assertThat(ItFixtures.get(web, "/api/v1/status/hashring").body())
        .contains(
            "\"nodes\":[{\"address\":\"local\",\"az\":\"\",\"self\":true,"
                + "\"backedOff\":false}],\"localShare\":1.0}");
    HttpResponse<String> flags = ItFixtures.get(web, "/api/v1/status/flags");
    assertThat(flags.body())
        .contains("\"shipper.bucket.config.secretKey\":\"<redacted>\"")
        .contains("\"shipper.bucket.config.endpoint\":\"127.0.0.1:1\"")
        .doesNotContain(SECRET);
    // The probes and metrics behind the status handler still answer.
    assertThat(ItFixtures.get(web, "/-/ready").statusCode()).isEqualTo(200);
    assertThat(ItFixtures.get(web, "/metrics").body()).contains("prometheus_tsdb_head_series");
  }

  @Test
  void aRouterThatStoresNothingStillServesThePage() throws Exception {
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    sluice =
        ItFixtures.startSluice(
            dir.resolve("router"),
            rw,
            web,
            dir.resolve("router.log"),
            "--receive.hashrings=[{\"hashring\":\"edge\",\"endpoints\":[\"127.0.0.1:1\"]}]");

    HttpResponse<String> page = ItFixtures.get(web, "/");

    assertThat(page.statusCode()).as(sluice.output()).isEqualTo(200);
    assertThat(page.body())
        .contains("router · <span class=\"ok\">ready</span>")
        .contains("<h3>Ring edge</h3>")
        .contains("<code>127.0.0.1:1</code>")
        .contains("this node's share: 0.0%")
        .contains("No tenant yet.");
    assertThat(ItFixtures.get(web, "/api/v1/status/tenants").body())
        .isEqualTo("{\"status\":\"success\",\"data\":[]}");
    assertThat(ItFixtures.get(web, "/api/v1/status/blocks").body())
        .isEqualTo("{\"status\":\"success\",\"data\":[]}");
  }
}
