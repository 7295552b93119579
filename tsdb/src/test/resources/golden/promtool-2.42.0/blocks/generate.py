#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Writes blocks.om: 25 series, 15 s apart, 100 samples before and 200 after the 2 h boundary
# 1700006400000, with label values whose UTF-8 byte order differs from UTF-16 order.
t0 = 1700006400 - 100 * 15
series = []
for code in ["200", "500", "404"]:
    for job in ["api", "web"]:
        series.append(("http_requests_total", [("code", code), ("job", job)]))
for room in ["a", "b", "kitchen", "z\u00e9", "\u00fcber", "\U0001F600x", "\ue000y"]:
    series.append(("temp_celsius", [("room", room)]))
for cpu in range(4):
    for mode in ["idle", "user", "system"]:
        series.append(("node_cpu_seconds_total", [("cpu", str(cpu)), ("instance", "node-1:9100"), ("mode", mode)]))
kinds = {"http_requests_total": "counter", "temp_celsius": "gauge", "node_cpu_seconds_total": "counter"}
with open("blocks.om", "w", encoding="utf-8") as f:
    for name, kind in kinds.items():
        f.write("# TYPE %s %s\n" % (name, kind))
        for si, (n, labels) in enumerate(series):
            if n != name:
                continue
            sel = name + "{" + ",".join('%s="%s"' % kv for kv in labels) + "}"
            for i in range(300):
                ts = t0 + 15 * i + (si % 5) * 0.001
                if name == "temp_celsius":
                    v = repr(20 + (i % 17) * 0.25 + si)
                elif name == "http_requests_total":
                    v = str(i * (si + 1))
                else:
                    v = repr(round(i * 1.5 + si * 0.01, 3))
                f.write("%s %s %.3f\n" % (sel, v, ts))
    f.write("# EOF\n")
