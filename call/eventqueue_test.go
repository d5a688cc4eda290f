package call

import (
	"testing"
	"time"
)

func TestEventQueueOrderAndClose(t *testing.T) {
	q := newEventQueue()
	for i := 0; i < 1000; i++ {
		q.emit(PeerLeave{UserID: "u", Reason: i})
	}
	q.close()
	q.emit(PeerJoin{UserID: "late"}) // after close: dropped
	n := 0
	for e := range q.out {
		pl, ok := e.(PeerLeave)
		if !ok || pl.Reason != n {
			t.Fatalf("event %d: got %#v", n, e)
		}
		n++
	}
	if n != 1000 {
		t.Fatalf("got %d events, want 1000", n)
	}
}

func TestEventQueueAbandonWithoutConsumer(t *testing.T) {
	q := newEventQueue()
	q.emit(PeerJoin{UserID: "a"})
	q.emit(PeerJoin{UserID: "b"})
	done := make(chan struct{})
	go func() { q.abandon(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("abandon blocked with no consumer")
	}
}
