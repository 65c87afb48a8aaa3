package server

import "github.com/prometheus/client_golang/prometheus"

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// downloads counts HTTP exports being rendered or sent.
	downloads prometheus.Gauge
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "easel_http_requests_total", Help: "HTTP requests by method, route and status."},
			[]string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "easel_http_request_duration_seconds", Help: "HTTP request duration by route (sockets excluded).",
			Buckets: prometheus.DefBuckets}, []string{"route"}),
		downloads: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "easel_http_downloads", Help: "HTTP exports being rendered or sent."}),
	}
	reg.MustRegister(m.requests, m.duration, m.downloads)
	return m
}
