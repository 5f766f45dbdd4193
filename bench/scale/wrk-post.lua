-- wrk script for bench/scale/wrk.ts: POSTs WRK_BODY as JSON on every request and, at the end,
-- writes one JSON line with the figures the benchmarks read (wrk's own report is text).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("WRK_BODY")

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\n{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"socketErrors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
