package server

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// TestChurn: participants join, publish and go in parallel, by every exit
// path at once. Nothing deadlocks or races, and the room ends empty and is
// destroyed.
func TestChurn(t *testing.T) {
	guard(t)
	// A short grace: dropped sockets wait for a resume and then leave,
	// racing with the others' joins and leaves.
	srv, url := startServer(t, Config{ResumeGrace: 300 * time.Millisecond})
	const n = 6
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 2 {
				id := "u" + strconv.Itoa(i)
				c := dial(t, url, clientOpts{})
				r := c.request(joinMsg("churn", id, signal.RoleJoiner))
				if r.Type != signal.TypeJoined {
					t.Errorf("%s join: %s %d %s", id, r.Type, r.Code, r.Message)
					return
				}
				if i%2 == 0 {
					c.publish(id, "mic", byte(i))
				}
				switch (i + round) % 3 {
				case 0:
					c.request(signal.Message{Type: signal.TypeLeave})
					c.close()
				case 1:
					c.close()
				default:
					c.dropSocket()
					c.close()
				}
			}
		}()
	}
	wg.Wait()
	eventually(t, "the churn room to be destroyed", func() bool { return len(srv.Rooms()) == 0 })
}
