package server

import (
	"strconv"
	"strings"
	"testing"

	"github.com/confab-rtc/confab/signal"
)

// TestSubscribeReusesFreedMLines: publishers come and go one after another
// while a listener and one publisher stay. Each newcomer is heard, on an
// m-line a gone publisher freed: the listener's offer keeps as many audio
// m-lines as there were publishers at once (two), not one for every
// publisher that ever came, and the staying publisher is heard throughout.
func TestSubscribeReusesFreedMLines(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	stay := dial(t, url, clientOpts{})
	if r := stay.join("reuse", "stay", signal.RolePlayer); r.Type != signal.TypeJoined {
		t.Fatalf("join: %s %d %s", r.Type, r.Code, r.Message)
	}
	anchor := dial(t, url, clientOpts{})
	anchor.join("reuse", "anchor", signal.RoleJoiner)
	anchor.publish("anchor", "mic", 30)
	stay.flowing("anchor", 10)

	const rounds = 8
	for i := range rounds {
		id := "p" + strconv.Itoa(i)
		c := dial(t, url, clientOpts{})
		if r := c.join("reuse", id, signal.RoleJoiner); r.Type != signal.TypeJoined {
			t.Fatalf("%s join: %s %d %s", id, r.Type, r.Code, r.Message)
		}
		c.publish(id, "mic", byte(40+i))
		stay.flowing(id, 10)
		c.request(signal.Message{Type: signal.TypeLeave})
		c.close()
		eventually(t, id+"'s track to end at the listener", func() bool {
			st := stay.track(id)
			return st != nil && st.ended.Load()
		})
		stay.flowing("anchor", 5)
	}
	if n := strings.Count(stay.sub.RemoteDescription().SDP, "m=audio"); n > 2 {
		t.Errorf("the listener's offer has %d audio m-lines after %d publishers came and went beside one that stayed, want at most 2", n, rounds)
	}
}
