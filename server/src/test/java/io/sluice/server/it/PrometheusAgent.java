// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import io.sluice.tsdb.testing.PrometheusTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's Prometheus (2.42) in agent mode, scraping a target every second (job {@code sluice},
 * external label {@code agent="it"}) and remote-writing to a receiver on 127.0.0.1.
 */
final class PrometheusAgent {
  private PrometheusAgent() {}

  /**
   * Starts the agent; skips the test when {@code prometheus} is not installed (fails under CI).
   *
   * @param dir where its configuration, data and log go
   * @param scrapePort the port of the {@code /metrics} target
   * @param remoteWritePort the receiver's remote-write port
   * @param agentPort the agent's own web port
   */
  static ExternalProcess start(Path dir, int scrapePort, int remoteWritePort, int agentPort)
      throws IOException {
    return start(dir, scrapePort, remoteWritePort, agentPort, false);
  }

  /**
   * {@link #start(Path, int, int, int)}, remote-writing the exemplars it scrapes too ({@code
   * send_exemplars}) when {@code sendExemplars}. An agent scrapes exemplars from OpenMetrics
   * targets without {@code --enable-feature=exemplar-storage}, which only a server's TSDB reads.
   */
  static ExternalProcess start(
      Path dir, int scrapePort, int remoteWritePort, int agentPort, boolean sendExemplars)
      throws IOException {
    Path prometheus = PrometheusTools.require("prometheus");
    Path cfg = dir.resolve("agent.yml");
    Files.writeString(
        cfg,
        """
        global:
          scrape_interval: 1s
          external_labels: {agent: it}
        scrape_configs:
          - job_name: sluice
            static_configs: [{targets: ['127.0.0.1:%d']}]
        remote_write:
          - url: http://127.0.0.1:%d/api/v1/receive
            queue_config: {batch_send_deadline: 1s, min_backoff: 30ms, max_backoff: 1s}
            send_exemplars: %b
        """
            .formatted(scrapePort, remoteWritePort, sendExemplars));
    return ExternalProcess.start(
        List.of(
            prometheus.toString(),
            "--enable-feature=agent",
            "--config.file=" + cfg,
            "--storage.agent.path=" + dir.resolve("agent-data"),
            "--web.listen-address=127.0.0.1:" + agentPort),
        dir.resolve("agent.log"));
  }
}
