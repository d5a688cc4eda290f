package server

import (
	"slices"
	"sync"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// monitorTick is how often a room's monitor looks at its media: the
// fastest a volume-indicator may follow another.
const monitorTick = 200 * time.Millisecond

// minSendBitrate is the audio bitrate (bit/s) under which a speaking,
// unmuted publisher gets media-exception SendBitrateLow: Opus carries no
// intelligible speech below about 6 kbit/s.
const minSendBitrate = 6000

// monitor is a room's one goroutine for everything measured rather than
// requested: speaking levels (volume-indicator, active-speaker), network
// quality and stream health. The packet path only feeds it atomics; it
// reads them on its own clock and never touches a packet.
type monitor struct {
	r    *room
	stop chan struct{}
	once sync.Once
	done chan struct{}

	// Owned by run.
	speech      map[*participant]*speechLevel
	volumes     []signal.Level // last sent
	speaker     string         // last active speaker sent
	nextSpeech  time.Time
	nextQuality time.Time
	streams     map[*forwarder]*streamState
	downs       map[*participant]*downState
	quals       []signal.Message // network-quality notifications still to send
	top         topN
}

// streamState is what the monitor tracks of one published track.
type streamState struct {
	since       time.Time // when packets were last seen arriving
	received    uint64
	interrupted bool
	mark        rxMark
	score       qualityScore
	bitrateLow  bool
	bits        float64 // payload bit/s received in the last quality window
	flowing     bool    // packets arrived in the last quality window
}

// downState is what the monitor tracks of one participant's downlink.
type downState struct {
	marks   map[*forwarder]rrMark
	scores  map[*forwarder]*qualityScore
	recvLow map[*forwarder]bool // media-exception 1004 raised
	quality int
}

// startMonitor starts r's monitor; r.mu is held.
func (r *room) startMonitor() {
	if r.mon != nil {
		return
	}
	m := &monitor{
		r: r, stop: make(chan struct{}), done: make(chan struct{}),
		speech:  map[*participant]*speechLevel{},
		streams: map[*forwarder]*streamState{},
		downs:   map[*participant]*downState{},
	}
	r.mon = m
	go m.run()
}

// stopMonitor ends r's monitor without waiting for it (r.mu is held and
// the monitor takes it). Idempotent.
func (r *room) stopMonitor() {
	if r.mon != nil {
		r.mon.once.Do(func() { close(r.mon.stop) })
	}
}

// run ticks until the room closes.
func (m *monitor) run() {
	defer close(m.done)
	t := time.NewTicker(monitorTick)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case now := <-t.C:
			m.tickAt(now)
		}
	}
}

// tickAt does one round at now, under the room's mutex: the work is a few
// loads and comparisons per participant, and holding the mutex keeps the
// notifications in order with the room's own (no stream-interrupted after
// the stream-removed).
func (m *monitor) tickAt(now time.Time) {
	r := m.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	m.health(now)
	if !now.Before(m.nextSpeech) {
		m.nextSpeech = now.Add(speechWindowMillis * time.Millisecond)
		m.speaking()
	}
	if m.nextQuality.IsZero() {
		m.nextQuality = now.Add(qualityWindow)
		m.quality(now, false) // the first marks; nothing is sent
	} else if !now.Before(m.nextQuality) {
		m.nextQuality = m.nextQuality.Add(qualityWindow)
		if m.nextQuality.Before(now) {
			m.nextQuality = now.Add(qualityWindow)
		}
		m.quality(now, true)
	}
	m.sendQuality()
}

// speaking closes a speech window for everyone and sends volume-indicator
// and active-speaker if they changed.
func (m *monitor) speaking() {
	r := m.r
	var levels []signal.Level
	var loudest *participant
	var loudestLevel float64
	for p := range m.speech {
		if !slices.Contains(r.members, p) {
			delete(m.speech, p)
		}
	}
	for _, p := range r.members {
		sl := m.speech[p]
		if sl == nil {
			sl = &speechLevel{}
			m.speech[p] = sl
		}
		sl.update(p.speech.take())
		if p.audioMuted {
			sl.smoothed = 0
		}
		if v := sl.volume(); v > 0 {
			levels = append(levels, signal.Level{UserID: p.userID, Volume: v})
		}
		if sl.active() && sl.smoothed > loudestLevel {
			loudest, loudestLevel = p, sl.smoothed
		}
	}
	if !slices.Equal(levels, m.volumes) {
		m.volumes = levels
		m.broadcast(signal.Message{Type: signal.TypeVolumeIndicator, Levels: levels}, nil)
	}
	speaker := ""
	if loudest != nil {
		speaker = loudest.userID
	}
	if speaker != m.speaker {
		m.speaker = speaker
		m.broadcast(signal.Message{Type: signal.TypeActiveSpeaker, UserID: speaker}, nil)
	}
	if n := r.srv.cfg.TopN; n > 0 {
		m.top.update(n, r.members, func(p *participant) float64 { return m.speech[p].smoothed })
		for _, q := range r.members {
			for f, l := range q.sub.linksOf() {
				if l.gate != nil && f.stream.Kind == signal.KindAudio {
					l.gate.Store(!m.top.hears(f.pub))
				}
			}
		}
	}
}

// health sends stream-interrupted to the subscribers of a track that
// delivered nothing for the detection interval, and stream-recovered when
// it delivers again. A muted client still sends encoded silence, so only
// a stream that stopped is interrupted.
func (m *monitor) health(now time.Time) {
	detect := m.r.srv.cfg.StreamDetectInterval
	live := map[*forwarder]bool{}
	for _, p := range m.r.members {
		for _, f := range p.tracks {
			live[f] = true
			st := m.streams[f]
			if st == nil {
				st = &streamState{since: now}
				m.streams[f] = st
			}
			n := f.rx.received.Load()
			if n != st.received {
				st.received, st.since = n, now
				if st.interrupted {
					st.interrupted = false
					m.broadcast(signal.Message{Type: signal.TypeStreamRecovered, UserID: p.userID, Kind: f.stream.Kind}, p)
				}
				continue
			}
			if !st.interrupted && now.Sub(st.since) >= detect {
				st.interrupted = true
				m.broadcast(signal.Message{Type: signal.TypeStreamInterrupted, UserID: p.userID, Kind: f.stream.Kind}, p)
			}
		}
	}
	for f := range m.streams {
		if !live[f] {
			delete(m.streams, f)
		}
	}
}

// quality scores every participant's uplink and downlink over the window
// that just ended and, with send, tells everyone.
func (m *monitor) quality(now time.Time, send bool) {
	r := m.r
	notes := make([]signal.Message, 0, len(r.members))
	for _, p := range r.members {
		notes = append(notes, signal.Message{Type: signal.TypeNetworkQuality, UserID: p.userID, Uplink: m.uplink(p, send)})
	}
	// Downlinks second: they compare with this window's uplink bitrates.
	for i, p := range r.members {
		notes[i].Downlink = m.downlink(p, now, send)
	}
	for p := range m.downs {
		if !slices.Contains(r.members, p) {
			delete(m.downs, p)
		}
	}
	if !send {
		return
	}
	m.quals = notes
}

// qualitySpread is over how many ticks a window's network-quality
// notifications go out: every member gets one per member, and a big room's
// burst would fill a client's send queue (Config.SendQueue) at once.
const qualitySpread = 5

// sendQuality sends the next share of the pending network-quality
// notifications, so that all of them are out within qualitySpread ticks.
func (m *monitor) sendQuality() {
	if len(m.quals) == 0 {
		return
	}
	n := min(len(m.quals), (len(m.r.members)+qualitySpread-1)/qualitySpread)
	for _, note := range m.quals[:max(n, 1)] {
		if m.r.index(note.UserID) >= 0 { // not about someone who left since
			m.broadcast(note, nil)
		}
	}
	m.quals = m.quals[max(n, 1):]
}

// uplink scores p's published tracks as the server receives them: the
// worst track wins, and a track whose packets stopped is QualityDown. It
// also raises and clears media-exception SendBitrateLow.
func (m *monitor) uplink(p *participant, send bool) int {
	q := signal.QualityUnknown
	for _, f := range p.tracks {
		st := m.streams[f]
		if st == nil {
			continue
		}
		prev := st.mark
		s, mark := f.rx.sample(prev, f.clock, f.fec)
		bits := float64(mark.bytes-prev.bytes) * 8 / qualityWindow.Seconds()
		st.mark, st.bits, st.flowing = mark, bits, mark.received != prev.received
		if !send {
			continue
		}
		tq := signal.QualityDown // 6 only when the media stopped
		if mark.received != prev.received {
			tq = scoreQuality(st.score.update(packetScore(s)))
		}
		q = max(q, tq)
		if f.stream.Kind == signal.KindAudio {
			low := tq != signal.QualityDown && !p.audioMuted && bits < minSendBitrate && m.speech[p] != nil && m.speech[p].active()
			if low != st.bitrateLow {
				st.bitrateLow = low
				p.send(signal.Message{Type: signal.TypeMediaException, UserID: p.userID, Kind: f.stream.Kind, Code: signal.MediaExceptionSendBitrateLow, Resumed: !low})
			}
		}
	}
	return q
}

// downlink scores the tracks p receives from their receiver reports: the
// worst wins; a link without new reports keeps its last score, and p's
// quality stays as it was when nothing was measured. With send it also
// raises and clears media-exception RecvBitrateLow.
func (m *monitor) downlink(p *participant, now time.Time, send bool) int {
	ds := m.downs[p]
	if ds == nil {
		ds = &downState{marks: map[*forwarder]rrMark{}, scores: map[*forwarder]*qualityScore{}, recvLow: map[*forwarder]bool{}}
		m.downs[p] = ds
	}
	links := p.sub.linksOf()
	worst, measured := signal.QualityUnknown, false
	for f, l := range links {
		prev := ds.marks[f]
		s, mark := l.sample(prev, f.clock, f.fec)
		ds.marks[f] = mark
		open := l.gate == nil || !l.gate.Load()
		sc := ds.scores[f]
		if sc == nil {
			sc = &qualityScore{}
			ds.scores[f] = sc
		}
		switch {
		case mark.seen && now.Sub(mark.at) > 3*qualityWindow && m.delivering(f) && open:
			// Packets go out but no reports come back: the link is down.
			worst, measured = max(worst, signal.QualityDown), true
		case s.expected == 0 && prev.seen && mark.at.After(prev.at) && open && m.streams[f] != nil && m.streams[f].flowing:
			// Packets went out all window, and a fresh report says
			// none of them arrived: the media stopped on the way.
			worst, measured = max(worst, signal.QualityDown), true
		case s.expected > 0:
			worst, measured = max(worst, scoreQuality(sc.update(packetScore(s)))), true
			if send {
				m.recvBitrate(p, ds, f, s)
			}
		case sc.seen:
			worst, measured = max(worst, scoreQuality(sc.score)), true
		}
	}
	for f := range ds.marks {
		if _, ok := links[f]; !ok {
			delete(ds.marks, f)
			delete(ds.scores, f)
			delete(ds.recvLow, f)
		}
	}
	if measured {
		ds.quality = worst
	}
	return ds.quality
}

// recvBitrate raises media-exception RecvBitrateLow for p when an audio
// track that reaches the server at a healthy bitrate reaches p, after the
// loss in its receiver reports, under minSendBitrate; and clears it when
// that is over. A publisher that itself sends too little is told so
// (uplink), not its receivers.
func (m *monitor) recvBitrate(p *participant, ds *downState, f *forwarder, s linkSample) {
	st := m.streams[f]
	if st == nil || f.stream.Kind != signal.KindAudio {
		return
	}
	share := 1 - float64(s.lost)/float64(s.expected)
	low := !f.pub.audioMuted && st.bits >= minSendBitrate && st.bits*share < minSendBitrate
	if low == ds.recvLow[f] {
		return
	}
	ds.recvLow[f] = low
	p.send(signal.Message{Type: signal.TypeMediaException, UserID: f.pub.userID, Kind: f.stream.Kind, Code: signal.MediaExceptionRecvBitrateLow, Resumed: !low})
}

// delivering reports whether f's packets still arrive (and so go out).
func (m *monitor) delivering(f *forwarder) bool {
	st := m.streams[f]
	return st != nil && !st.interrupted
}

// broadcast sends msg to every member but except.
func (m *monitor) broadcast(msg signal.Message, except *participant) {
	for _, q := range m.r.members {
		if q != except {
			q.send(msg)
		}
	}
}
