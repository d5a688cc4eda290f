package server

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// percent makes a drop rate for clientOpts.dropIn.
func percent(n int) *atomic.Int32 {
	p := &atomic.Int32{}
	p.Store(int32(n))
	return p
}

// waitNoteWhere returns the next notification of type typ (or of one of
// several types separated by "|") for which ok holds, skipping others.
func (c *client) waitNoteWhere(typ string, ok func(signal.Message) bool) signal.Message {
	c.t.Helper()
	deadline := time.After(3 * waitLong)
	for {
		select {
		case m := <-c.notes:
			if strings.Contains("|"+typ+"|", "|"+m.Type+"|") && ok(m) {
				return m
			}
		case <-deadline:
			c.t.Fatalf("no %s notification with the expected fields", typ)
			return signal.Message{}
		}
	}
}

// qualities collects network-quality notifications until every user in
// want has had its expected uplink (or downlink, with down) in two
// consecutive notifications, and fails if that does not happen.
func (c *client) qualities(down bool, want map[string]int) {
	c.t.Helper()
	streak := map[string]int{}
	last := map[string]int{}
	done := func() bool {
		for u := range want {
			if streak[u] < 2 {
				return false
			}
		}
		return true
	}
	c.waitNoteWhere(signal.TypeNetworkQuality, func(m signal.Message) bool {
		w, ok := want[m.UserID]
		if !ok {
			return false
		}
		got := m.Uplink
		if down {
			got = m.Downlink
		}
		last[m.UserID] = got
		if got == w {
			streak[m.UserID]++
		} else {
			streak[m.UserID] = 0
		}
		c.t.Logf("network-quality %s uplink %d downlink %d", m.UserID, m.Uplink, m.Downlink)
		return done()
	})
}

// speaking waits until the latest volume-indicator carries levels and the
// latest active-speaker names speaker, whichever comes first.
func (c *client) speaking(levels []signal.Level, speaker string) {
	c.t.Helper()
	var gotLevels, gotSpeaker bool
	c.waitNoteWhere(signal.TypeVolumeIndicator+"|"+signal.TypeActiveSpeaker, func(m signal.Message) bool {
		switch m.Type {
		case signal.TypeVolumeIndicator:
			gotLevels = slices.Equal(m.Levels, levels)
			c.t.Logf("volume-indicator %+v", m.Levels)
		case signal.TypeActiveSpeaker:
			gotSpeaker = m.UserID == speaker
			c.t.Logf("active-speaker %q", m.UserID)
		}
		return gotLevels && gotSpeaker
	})
}

func TestVolumeIndicatorAndActiveSpeaker(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	loud, quiet, ear := dial(t, url, clientOpts{}), dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	loud.join("talk", "loud", signal.RoleJoiner)
	quiet.join("talk", "quiet", signal.RoleJoiner)
	ear.join("talk", "ear", signal.RoleJoiner)
	// -10 dBov and -30 dBov, both flagged as voice.
	pl := loud.publish("loud", "mic", 0x80|10)
	pq := quiet.publish("quiet", "mic", 0x80|30)

	// The smoothed levels settle in their eighths: -10 dBov at 87,
	// -30 dBov at 50.
	ear.speaking([]signal.Level{{UserID: "loud", Volume: 87}, {UserID: "quiet", Volume: 50}}, "loud")

	// The loud one falls silent: the quiet one is the active speaker.
	pl.level.Store(127)
	ear.speaking([]signal.Level{{UserID: "quiet", Volume: 50}}, "quiet")

	// Silence all round: one volume-indicator with no levels, one
	// active-speaker naming nobody, then nothing more.
	pq.level.Store(127)
	ear.speaking(nil, "")
	quietUntil := time.After(2 * time.Second)
	for {
		select {
		case m := <-ear.notes:
			if m.Type == signal.TypeVolumeIndicator || m.Type == signal.TypeActiveSpeaker {
				t.Fatalf("silence repeated %s %+v", m.Type, m)
			}
			continue
		case <-quietUntil:
		}
		break
	}
	if n := pl.sent.Load(); n == 0 {
		t.Fatal("the loud publisher sent nothing")
	}
}

// TestNetworkQualityBands runs links with 0 %, 3 % and 10 % loss, on the
// way up (the publisher drops packets before they leave) and on the way
// down (the receiver drops them before its receiver reports count them),
// and checks LiveKit's bands for Opus with FEC (which confab always
// negotiates): loss up to 3.75 % is excellent, 10 % is in the lower half
// of LiveKit's GOOD (score 100 - 10·8/1.5 = 47), our 3. A stopped sender
// is 6.
func TestNetworkQualityBands(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{StreamDetectInterval: time.Second})

	// Uplink: three publishers in one room.
	up := map[string]*client{}
	pubs := map[string]*publisher{}
	for _, u := range []string{"up0", "up3", "up10"} {
		up[u] = dial(t, url, clientOpts{})
		up[u].join("uplinks", u, signal.RoleJoiner)
	}
	for u, loss := range map[string]int32{"up0": 0, "up3": 3, "up10": 10} {
		pubs[u] = up[u].publish(u, "mic", 0x80|20)
		pubs[u].lossPct.Store(loss)
	}

	// Downlink: one clean publisher, three lossy receivers.
	src := dial(t, url, clientOpts{})
	src.join("downlinks", "src", signal.RoleJoiner)
	down := map[string]*client{}
	for u, loss := range map[string]int{"down0": 0, "down3": 3, "down10": 10} {
		down[u] = dial(t, url, clientOpts{dropIn: percent(loss)})
		down[u].join("downlinks", u, signal.RoleJoiner)
	}
	src.publish("src", "mic", 0x80|20)

	up["up0"].qualities(false, map[string]int{"up0": signal.QualityExcellent, "up3": signal.QualityExcellent, "up10": signal.QualityPoor})
	src.qualities(true, map[string]int{"down0": signal.QualityExcellent, "down3": signal.QualityExcellent, "down10": signal.QualityPoor})

	// A sender that stops is down, and its stream interrupted for the
	// others; when it resumes, recovered and back to excellent.
	pubs["up0"].paused.Store(true)
	m := up["up3"].waitNoteWhere(signal.TypeStreamInterrupted, func(m signal.Message) bool { return m.UserID == "up0" })
	if m.Kind != signal.KindAudio {
		t.Fatalf("stream-interrupted %+v: want kind audio", m)
	}
	up["up3"].qualities(false, map[string]int{"up0": signal.QualityDown})
	pubs["up0"].paused.Store(false)
	up["up3"].waitNoteWhere(signal.TypeStreamRecovered, func(m signal.Message) bool { return m.UserID == "up0" && m.Kind == signal.KindAudio })
	up["up3"].qualities(false, map[string]int{"up0": signal.QualityExcellent})
}

// TestSendBitrateLow: a speaking, unmuted publisher whose audio carries
// almost nothing (2-byte payloads, 800 bit/s) gets media-exception 1002,
// and resumed once its payloads are normal again.
func TestSendBitrateLow(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	a, b := dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	a.join("thin", "a", signal.RoleJoiner)
	b.join("thin", "b", signal.RoleJoiner)
	var thin atomic.Bool
	thin.Store(true)
	normal := append(append([]byte{}, opusTOC...), make([]byte, 60)...)
	a.publishWith("a", "mic", 0, func() ([]byte, byte) {
		if thin.Load() {
			return normal[:2], 0x80 | 15
		}
		return normal, 0x80 | 15
	})
	m := a.waitNote(signal.TypeMediaException)
	if m.UserID != "a" || m.Kind != signal.KindAudio || m.Code != signal.MediaExceptionSendBitrateLow || m.Resumed {
		t.Fatalf("media-exception %+v: want a's audio, code 1002, not resumed", m)
	}
	thin.Store(false)
	m = a.waitNote(signal.TypeMediaException)
	if m.UserID != "a" || m.Code != signal.MediaExceptionSendBitrateLow || !m.Resumed {
		t.Fatalf("media-exception %+v: want code 1002 resumed", m)
	}
}

// TestRecvBitrateLow: a receiver losing 70 % of a healthy 16 kbit/s
// stream gets media-exception 1004 about its publisher, and resumed once
// the publisher's stream is big enough that 30 % of it is plenty. The
// publisher, whose uplink is fine, gets no exception.
func TestRecvBitrateLow(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	a, b := dial(t, url, clientOpts{}), dial(t, url, clientOpts{dropIn: percent(70)})
	a.join("lossy", "a", signal.RoleJoiner)
	b.join("lossy", "b", signal.RoleJoiner)
	var big atomic.Bool
	payload := append(append([]byte{}, opusTOC...), make([]byte, 200)...)
	a.publishWith("a", "mic", 0, func() ([]byte, byte) {
		if big.Load() {
			return payload, 0x80 | 15 // 80 kbit/s
		}
		return payload[:41], 0x80 | 15 // 16.4 kbit/s
	})
	m := b.waitNote(signal.TypeMediaException)
	if m.UserID != "a" || m.Kind != signal.KindAudio || m.Code != signal.MediaExceptionRecvBitrateLow || m.Resumed {
		t.Fatalf("media-exception %+v: want a's audio, code 1004, not resumed", m)
	}
	big.Store(true)
	m = b.waitNote(signal.TypeMediaException)
	if m.UserID != "a" || m.Code != signal.MediaExceptionRecvBitrateLow || !m.Resumed {
		t.Fatalf("media-exception %+v: want code 1004 resumed", m)
	}
	for {
		select {
		case n := <-a.notes:
			if n.Type == signal.TypeMediaException {
				t.Fatalf("the publisher got %+v", n)
			}
			continue
		default:
		}
		break
	}
}

// TestMutedIsSilentNotInterrupted: a muted participant whose client still
// sends (encoded silence, here even loud levels) has volume 0 and its
// stream is not interrupted; its levels count again once it unmutes.
func TestMutedIsSilentNotInterrupted(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	a, b := dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	a.join("hush", "a", signal.RoleJoiner)
	b.join("hush", "b", signal.RoleJoiner)
	a.publish("a", "mic", 0x80|10)
	b.speaking([]signal.Level{{UserID: "a", Volume: 87}}, "a")
	if r := a.request(signal.Message{Type: signal.TypeMute, Kind: signal.KindAudio, Muted: true}); r.Type != signal.TypeOK {
		t.Fatalf("mute: %s %d %s", r.Type, r.Code, r.Message)
	}
	b.speaking(nil, "")
	// Longer than the detection interval muted: no stream-interrupted.
	until := time.After(DefaultStreamDetectInterval + time.Second)
	for {
		select {
		case m := <-b.notes:
			if m.Type == signal.TypeStreamInterrupted {
				t.Fatalf("a muted stream that still flows was reported interrupted: %+v", m)
			}
			continue
		case <-until:
		}
		break
	}
	if r := a.request(signal.Message{Type: signal.TypeMute, Kind: signal.KindAudio, Muted: false}); r.Type != signal.TypeOK {
		t.Fatalf("unmute: %s %d %s", r.Type, r.Code, r.Message)
	}
	b.speaking([]signal.Level{{UserID: "a", Volume: 87}}, "a")
}

// TestDownlinkDown: a receiver that stops getting packets while the
// server keeps sending (its link drops everything, its reports still come)
// reads downlink 6, and excellent again once packets get through.
func TestDownlinkDown(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	drop := percent(0)
	a, b := dial(t, url, clientOpts{}), dial(t, url, clientOpts{dropIn: drop})
	a.join("cut", "a", signal.RoleJoiner)
	b.join("cut", "b", signal.RoleJoiner)
	a.publish("a", "mic", 0x80|20)
	a.qualities(true, map[string]int{"b": signal.QualityExcellent})
	drop.Store(100)
	a.qualities(true, map[string]int{"b": signal.QualityDown})
	drop.Store(0)
	a.qualities(true, map[string]int{"b": signal.QualityExcellent})
}
