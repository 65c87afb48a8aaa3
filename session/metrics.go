package session

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the realtime layer's Prometheus collectors. They are created
// per Hub and registered on the registry the caller passes, so tests can run
// many servers side by side.
type Metrics struct {
	Connections        prometheus.Gauge
	Rooms              prometheus.Gauge
	FramesIn           prometheus.Counter
	FramesOut          prometheus.Counter
	BytesIn            prometheus.Counter
	BytesOut           prometheus.Counter
	MessagesIn         *prometheus.CounterVec
	SlowConsumerCloses prometheus.Counter
	Closes             *prometheus.CounterVec
	RateLimited        *prometheus.CounterVec
	Panics             prometheus.Counter
	TickDuration       prometheus.Histogram
	DraftsDeferred     prometheus.Counter
	TicksSkipped       prometheus.Counter
	ExportBytes        prometheus.Counter
	Renders            *prometheus.HistogramVec
	RendersStarted     prometheus.Counter
	RendersCancelled   prometheus.Counter
	RenderTimeouts     prometheus.Counter
	SnapshotLoads      prometheus.Counter
	HTTPSessions       prometheus.Gauge
	CarrierRequests    *prometheus.CounterVec
	BoardsDeleted      *prometheus.CounterVec
}

// NewMetrics creates the collectors and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		HTTPSessions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "easel_http_sessions", Help: "Members over HTTP carriers (SSE or long-polling), including sessions closed in the last few seconds."}),
		CarrierRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "easel_http_carrier_requests_total", Help: "Requests of the HTTP carriers, by kind (sse, poll, send)."}, []string{"kind"}),
		BoardsDeleted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "easel_boards_deleted_total", Help: "Boards deleted by this node, by reason (request: DELETE by an editor; idle: --board-idle-days)."}, []string{"reason"}),
		Connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "easel_connections", Help: "Open connections: WebSocket, and members over HTTP carriers."}),
		Rooms: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "easel_rooms", Help: "Boards with at least one member on this node."}),
		FramesIn: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_frames_in_total", Help: "WebSocket data frames received."}),
		FramesOut: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_frames_out_total", Help: "WebSocket data frames written."}),
		BytesIn: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_bytes_in_total", Help: "Payload bytes of WebSocket frames received."}),
		BytesOut: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_bytes_out_total", Help: "Payload bytes of WebSocket frames written."}),
		MessagesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "easel_messages_in_total", Help: "Protocol messages received, by type."}, []string{"type"}),
		SlowConsumerCloses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_slow_consumer_closes_total", Help: "Members closed with 1013 because their outbox overflowed or they kept skipping ticks."}),
		TicksSkipped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_ticks_skipped_total", Help: "Tick frames not sent to a member still waiting to take its previous one; it gets the latest state in its next frame."}),
		Closes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "easel_server_closes_total", Help: "Connections closed by the server, by close code."}, []string{"code"}),
		RateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "easel_rate_limited_total", Help: "Messages refused for exceeding a budget, by class."}, []string{"class"}),
		Panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_handler_panics_total", Help: "Panics recovered in session handlers."}),
		TickDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "easel_tick_duration_seconds", Help: "Time one room tick takes (publish and fan-out of cursors and presence).",
			Buckets: prometheus.ExponentialBuckets(5e-6, 3, 10)}),
		DraftsDeferred: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_drafts_deferred_total", Help: "Drafts a room tick left for the next one, past the drafts bytes per tick."}),
		ExportBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_export_bytes_total", Help: "Export file bytes sent over sockets (chunk payloads)."}),
		Renders: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "easel_export_render_seconds", Help: "Time to render an export, by format.",
			Buckets: prometheus.ExponentialBuckets(0.001, 3, 10)}, []string{"format"}),
		RendersStarted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_export_renders_started_total", Help: "Export renders started (identical requests in flight share one)."}),
		RendersCancelled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_export_renders_cancelled_total", Help: "Export renders stopped because every request waiting for them left."}),
		RenderTimeouts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_export_render_timeouts_total", Help: "Export renders stopped by the render deadline."}),
		SnapshotLoads: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "easel_snapshot_loads_total", Help: "Boards loaded from the store for an export or an import (not by a room)."}),
	}
	reg.MustRegister(m.HTTPSessions, m.CarrierRequests, m.BoardsDeleted, m.Connections, m.Rooms, m.FramesIn, m.FramesOut, m.BytesIn, m.BytesOut,
		m.MessagesIn, m.SlowConsumerCloses, m.Closes, m.RateLimited, m.Panics, m.TickDuration, m.DraftsDeferred, m.TicksSkipped, m.ExportBytes, m.Renders,
		m.RendersStarted, m.RendersCancelled, m.RenderTimeouts, m.SnapshotLoads)
	return m
}
