package server

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/confab-rtc/confab/signal"
)

// scrape reads /metrics into a map of "name{labels}" to value.
func scrape(t *testing.T, base string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// TestMetrics: the gauges follow the rooms and the counters move with a
// call and never go back when its participants leave.
func TestMetrics(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	base := httpBase(url)
	m := scrape(t, base)
	for _, name := range []string{"confab_rooms", "confab_participants", "confab_packets_forwarded_total", "confab_bytes_forwarded_total", "confab_packets_received_total", "confab_bytes_received_total", "confab_packets_dropped_total"} {
		if v, ok := m[name]; !ok || v != 0 {
			t.Errorf("%s = %v (present %v) before any call, want 0", name, v, ok)
		}
	}
	if _, ok := m["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}

	a, b, c := dial(t, url, clientOpts{}), dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	a.join("call", "a", signal.RoleJoiner)
	b.join("call", "b", signal.RoleJoiner)
	c.join("solo", "c", signal.RoleJoiner)
	a.publish("a", "mic", 30)
	b.flowing("a", 50)
	m = scrape(t, base)
	if m["confab_rooms"] != 2 || m["confab_participants"] != 3 || m[`confab_room_participants{room="call"}`] != 2 || m[`confab_room_participants{room="solo"}`] != 1 {
		t.Errorf("gauges: rooms %v participants %v call %v solo %v", m["confab_rooms"], m["confab_participants"], m[`confab_room_participants{room="call"}`], m[`confab_room_participants{room="solo"}`])
	}
	in, fwd := m["confab_packets_received_total"], m["confab_packets_forwarded_total"]
	if in < 50 || fwd < 50 || m["confab_bytes_received_total"] < 50*20 || m["confab_bytes_forwarded_total"] < 50*20 {
		t.Errorf("counters after a call: received %v forwarded %v bytes %v/%v", in, fwd, m["confab_bytes_received_total"], m["confab_bytes_forwarded_total"])
	}
	// Bytes per packet are those of a small Opus test packet with its
	// header: more than 12, well under the MTU.
	if per := m["confab_bytes_forwarded_total"] / fwd; per <= 12 || per > 1200 {
		t.Errorf("%.0f bytes per forwarded packet", per)
	}

	a.close()
	b.close()
	eventually(t, "the call room gone", func() bool { return scrape(t, base)[`confab_room_participants{room="call"}`] == 0 })
	m = scrape(t, base)
	if m["confab_rooms"] != 1 || m["confab_participants"] != 1 {
		t.Errorf("after the call: rooms %v participants %v", m["confab_rooms"], m["confab_participants"])
	}
	if m["confab_packets_received_total"] < in || m["confab_packets_forwarded_total"] < fwd {
		t.Errorf("counters went back after the call ended: %v < %v or %v < %v", m["confab_packets_received_total"], in, m["confab_packets_forwarded_total"], fwd)
	}
}
