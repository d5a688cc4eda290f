package server

import (
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metric descriptions of GET /metrics.
var (
	descRooms            = prometheus.NewDesc("confab_rooms", "Rooms with at least one participant.", nil, nil)
	descParticipants     = prometheus.NewDesc("confab_participants", "Participants in all rooms.", nil, nil)
	descRoomParticipants = prometheus.NewDesc("confab_room_participants", "Participants per room.", []string{"room"}, nil)
	descLobby            = prometheus.NewDesc("confab_lobby_subscribers", "Websockets subscribed to the live room list.", nil, nil)
	descPacketsIn        = prometheus.NewDesc("confab_packets_received_total", "RTP packets received from publishers.", nil, nil)
	descBytesIn          = prometheus.NewDesc("confab_bytes_received_total", "RTP bytes received from publishers.", nil, nil)
	descPacketsOut       = prometheus.NewDesc("confab_packets_forwarded_total", "RTP packets forwarded to subscribers (one per subscriber).", nil, nil)
	descBytesOut         = prometheus.NewDesc("confab_bytes_forwarded_total", "RTP bytes forwarded to subscribers.", nil, nil)
	descDropped          = prometheus.NewDesc("confab_packets_dropped_total", "RTP packets received but not forwarded (unparseable).", nil, nil)
	descHookDelivered    = prometheus.NewDesc("confab_webhook_delivered_total", "Webhook events an endpoint accepted.", []string{"url"}, nil)
	descHookFailed       = prometheus.NewDesc("confab_webhook_failed_total", "Failed webhook delivery attempts.", []string{"url"}, nil)
	descHookDropped      = prometheus.NewDesc("confab_webhook_dropped_total", "Webhook events given up on (queue full or refused).", []string{"url"}, nil)
	descHookQueued       = prometheus.NewDesc("confab_webhook_queued", "Webhook events waiting for delivery.", []string{"url"}, nil)
)

// collector reads the server's state at scrape time: the rooms' members
// and their atomic media counters plus the totals of those who left. The
// packet path only increments atomics; a scrape costs it nothing.
type collector struct {
	s *Server

	// last holds the counters as last reported. A participant leaving
	// during a scrape can be counted both live and in the totals (or in
	// neither); reporting max(last, now) keeps every counter monotonic,
	// as Prometheus requires, at the cost of a brief overcount.
	mu   sync.Mutex
	last [5]uint64
}

// Describe sends every metric description.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descRooms, descParticipants, descRoomParticipants, descLobby, descPacketsIn, descBytesIn, descPacketsOut, descBytesOut, descDropped, descHookDelivered, descHookFailed, descHookDropped, descHookQueued} {
		ch <- d
	}
}

// Collect sends the current values.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	s := c.s
	s.mu.Lock()
	rooms := make([]*room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	var t [5]uint64
	nRooms, nParts := 0, 0
	for _, r := range rooms {
		r.mu.Lock()
		if !r.closed && len(r.members) > 0 {
			nRooms++
			nParts += len(r.members)
			ch <- prometheus.MustNewConstMetric(descRoomParticipants, prometheus.GaugeValue, float64(len(r.members)), r.name)
			for _, p := range r.members {
				t[0] += p.packetsIn.Load()
				t[1] += p.bytesIn.Load()
				t[2] += p.packetsOut.Load()
				t[3] += p.bytesOut.Load()
				t[4] += p.packetsDropped.Load()
			}
		}
		r.mu.Unlock()
	}
	t[0] += s.totals.packetsIn.Load()
	t[1] += s.totals.bytesIn.Load()
	t[2] += s.totals.packetsOut.Load()
	t[3] += s.totals.bytesOut.Load()
	t[4] += s.totals.dropped.Load()
	c.mu.Lock()
	for i := range t {
		t[i] = max(t[i], c.last[i])
		c.last[i] = t[i]
	}
	c.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(descRooms, prometheus.GaugeValue, float64(nRooms))
	ch <- prometheus.MustNewConstMetric(descParticipants, prometheus.GaugeValue, float64(nParts))
	ch <- prometheus.MustNewConstMetric(descLobby, prometheus.GaugeValue, float64(s.lobby.subscribers()))
	for i, d := range []*prometheus.Desc{descPacketsIn, descBytesIn, descPacketsOut, descBytesOut, descDropped} {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(t[i]))
	}
	for _, st := range s.hooks.stats() {
		ch <- prometheus.MustNewConstMetric(descHookDelivered, prometheus.CounterValue, float64(st.Delivered), st.URL)
		ch <- prometheus.MustNewConstMetric(descHookFailed, prometheus.CounterValue, float64(st.Failed), st.URL)
		ch <- prometheus.MustNewConstMetric(descHookDropped, prometheus.CounterValue, float64(st.Dropped), st.URL)
		ch <- prometheus.MustNewConstMetric(descHookQueued, prometheus.GaugeValue, float64(st.Queued), st.URL)
	}
}

// newMetrics makes the server's own registry (no global state): its
// collector plus the Go runtime and process collectors.
func newMetrics(s *Server) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(&collector{s: s}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// metricsHandler serves reg in the Prometheus text format.
func metricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}
