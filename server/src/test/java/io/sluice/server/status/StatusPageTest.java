// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusPageTest {
  private final FakeSource s = new FakeSource();

  private String render(int refresh) {
    return StatusPage.render(
        s.overview(), s.tenants(), s.hashring(), s.limits(), s.flags(), refresh);
  }

  @Test
  void showsEachTenantWithItsHeadSeries() {
    s.tenants = List.of(FakeSource.tenant("acme", 12_345), FakeSource.tenant("beta", 7));

    String html = render(0);

    assertThat(html)
        .contains(
            "<tr data-tenant=\"acme\"><td class=\"tenant\">acme</td>"
                + "<td class=\"n series\">12,345</td>")
        .contains("<td class=\"tenant\">beta</td><td class=\"n series\">7</td>")
        .contains("12.5")
        .contains("4 KiB")
        .contains("30s ago");
  }

  @Test
  void isReadableOnAPhoneWithoutScript() {
    String html = render(0);

    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .contains(".scroll{overflow-x:auto")
        .doesNotContain("<script")
        .doesNotContain("http-equiv=\"refresh\"");
    assertThat(render(10)).contains("<meta http-equiv=\"refresh\" content=\"10\">");
  }

  @Test
  void escapesEverythingThatComesFromOutside() {
    String evil = "<script>alert('x')</script>&\"";
    s.tenants =
        List.of(
            new Status.Tenant(
                evil, 1L, null, null, null, null, 0, 0, 0, null, "upload <b>failed</b>", 1L));
    s.hashring =
        new Status.Hashring(
            "router",
            "",
            1,
            List.of(
                new Status.Ring(
                    evil,
                    "hashmod",
                    List.of(evil),
                    List.of(new Status.Node(evil, evil, false, true)),
                    0.0)));
    s.limits =
        new Status.Limits(
            true,
            0,
            new Status.TenantLimits(0, 0, 0, 0),
            Map.of(evil, new Status.TenantLimits(1, 2, 3, 4)),
            new Status.Memory(null, null, null, null, null),
            List.of(new Status.Rejection("http:409", evil, 3)));
    s.flags = List.of(new Status.Flag(evil, evil));

    String html = render(0);

    assertThat(html)
        .doesNotContain("<script>")
        .doesNotContain("<b>failed")
        .doesNotContain("'x'")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
        .contains("data-tenant=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;\"")
        .contains("upload &lt;b&gt;failed&lt;/b&gt;")
        .contains("backed off");
  }

  @Test
  void rendersARouterThatStoresNothing() {
    s.overview = new Status.Overview("router", true, FakeSource.NOW, FakeSource.NOW);
    s.tenants =
        List.of(
            new Status.Tenant(
                "routed", null, 3.0, null, null, null, null, null, null, null, null, null));
    s.hashring =
        new Status.Hashring(
            "router",
            "",
            2,
            List.of(
                new Status.Ring(
                    "default",
                    "ketama",
                    List.of(),
                    List.of(
                        new Status.Node("10.0.0.1:10901", "a", false, false),
                        new Status.Node("10.0.0.2:10901", "b", false, true)),
                    0.0)));

    String html = render(0);

    assertThat(html)
        .contains("<td class=\"tenant\">routed</td><td class=\"n series\"><span class=\"none\">")
        .contains("this node's share: 0.0%")
        .contains("10.0.0.2:10901")
        .contains("backed off")
        .contains("No write limits configured.");
  }

  @Test
  void saysSoWhenThereIsNoTenant() {
    assertThat(render(0)).contains("No tenant yet.");
  }
}
