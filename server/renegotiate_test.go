package server

import (
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// TestRenegotiationSerialized: while a slow subscriber has an offer
// outstanding, more tracks arrive; the server never sends a second offer
// before the answer, re-offers afterwards, and the subscriber ends up with
// every track. Then tracks leave, and the rest keeps flowing.
func TestRenegotiationSerialized(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})
	viewer := dial(t, url, clientOpts{answerDelay: 300 * time.Millisecond})
	viewer.join("r", "viewer", signal.RolePlayer)

	const n = 4
	pubs := make([]*client, n)
	for i := range pubs {
		id := "p" + strconv.Itoa(i)
		pubs[i] = dial(t, url, clientOpts{})
		pubs[i].join("r", id, signal.RoleJoiner)
		pubs[i].publish(id, "mic", byte(10*i))
	}
	for i := range pubs {
		viewer.flowing("p"+strconv.Itoa(i), 10)
	}
	viewer.mu.Lock()
	overlap, offers := viewer.overlap, viewer.offers
	viewer.mu.Unlock()
	t.Logf("%d subscribe offers for %d tracks", offers, n)
	if overlap {
		t.Fatal("the server sent a subscribe offer while another was unanswered")
	}
	if offers < 2 {
		t.Fatalf("%d offers for %d tracks arriving during a slow answer; want a re-offer", offers, n)
	}
	for i := range pubs {
		if st := viewer.track("p" + strconv.Itoa(i)); st.lastLevel.Load() != int32(10*i) {
			t.Errorf("level from p%d = %d, want %d", i, st.lastLevel.Load(), 10*i)
		}
	}
	// Every publisher also receives every other publisher.
	for i, c := range pubs {
		for j := range pubs {
			if i != j {
				c.flowing("p"+strconv.Itoa(j), 3)
			}
		}
	}

	pubs[0].close()
	pubs[1].request(signal.Message{Type: signal.TypeLeave})
	eventually(t, "p0's and p1's tracks to end at the viewer", func() bool {
		return viewer.track("p0").ended.Load() && viewer.track("p1").ended.Load()
	})
	viewer.flowing("p2", 10)
	viewer.flowing("p3", 10)
	info, _ := srv.Participant("r", "viewer")
	if info.PacketsForwarded == 0 || info.PacketsReceived != 0 {
		t.Fatalf("viewer counters = %+v: want packets forwarded to it and none from it", info)
	}
}

// TestSubscribeOfferRejected: a client that replies error to a subscribe
// offer cannot go on receiving (the offer cannot be rolled back): it gets
// an error naming the offer and is dropped, the others see reason 2, and
// the call between them carries on.
func TestSubscribeOfferRejected(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	a := dial(t, url, clientOpts{})
	b := dial(t, url, clientOpts{})
	a.join("r", "a", signal.RoleJoiner)
	b.join("r", "b", signal.RoleJoiner)
	a.publish("a", "mic", 1)
	b.flowing("a", 3)

	picky := dial(t, url, clientOpts{rejectOffers: 1})
	picky.join("r", "picky", signal.RoleJoiner)
	offer := picky.waitNote(signal.TypeOffer)
	if e := picky.waitNote(signal.TypeError); e.Code != signal.CodeNegotiation || e.ID != offer.ID {
		t.Fatalf("error = %+v, want code %d for offer %s", e, signal.CodeNegotiation, offer.ID)
	}
	if code := picky.closeCode(); code != websocket.ClosePolicyViolation {
		t.Fatalf("close code %d, want %d", code, websocket.ClosePolicyViolation)
	}
	if pl := b.waitNote(signal.TypePeerLeave); pl.UserID != "picky" || pl.Reason != signal.ReasonSFUFault {
		t.Fatalf("peer-leave = %+v, want picky with reason 2", pl)
	}
	b.flowing("a", 5)
}

// TestSubscribeAnswerTimeout: a client that never answers a subscribe
// offer gets an error and is dropped; the others see it leave with
// reason 8.
func TestSubscribeAnswerTimeout(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{NegotiationTimeout: 500 * time.Millisecond})
	mute := dial(t, url, clientOpts{neverAnswer: true})
	mute.join("r", "mute", signal.RoleJoiner)
	a := dial(t, url, clientOpts{})
	a.join("r", "a", signal.RoleJoiner)
	a.publish("a", "mic", 1)
	offer := mute.waitNote(signal.TypeOffer)
	if e := mute.waitNote(signal.TypeError); e.Code != signal.CodeNegotiation || e.ID != offer.ID {
		t.Fatalf("error = %+v, want code %d for offer %s", e, signal.CodeNegotiation, offer.ID)
	}
	if code := mute.closeCode(); code != websocket.ClosePolicyViolation {
		t.Fatalf("close code %d, want %d", code, websocket.ClosePolicyViolation)
	}
	if pl := a.waitNote(signal.TypePeerLeave); pl.UserID != "mute" || pl.Reason != signal.ReasonNetworkCheck {
		t.Fatalf("peer-leave = %+v, want mute with reason 8", pl)
	}
}
