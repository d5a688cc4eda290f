package audio

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Mixer pacing.
const (
	// defaultStartDelay is the jitter buffer's target before it has
	// measured a sender: enough for a good internet path; it settles to
	// what the network needs within seconds.
	defaultStartDelay = 40 * time.Millisecond
	// defaultMinDelay is the floor of the target delay: one 20 ms packet.
	defaultMinDelay = 20 * time.Millisecond
	// defaultMaxDelay is the ceiling of the target delay: beyond it a
	// conversation stops working, and late audio is better concealed.
	defaultMaxDelay = 400 * time.Millisecond
	// mixerPoll is how often Run checks a Pacer that cannot say when it
	// will next be due.
	mixerPoll = 5 * time.Millisecond
	// maxMixBurst bounds the frames made in one wake-up, so a Pacer that is
	// always due cannot spin Run forever.
	maxMixBurst = 10
	// minMixWait keeps a Pacer whose NextDue is already past from turning
	// Run into a busy loop.
	minMixWait = 500 * time.Microsecond
)

// MixerConfig tunes a Mixer.
type MixerConfig struct {
	// OnFirstFrame is called from Run's goroutine with a stream's id when
	// the stream decodes its first frame; it must return quickly (the
	// caller makes it non-blocking, e.g. by queueing an event).
	OnFirstFrame func(id string)
	// StartDelay is the target delay of a sender's jitter buffer before
	// it has measured the sender's arrival jitter; 0 means 40 ms. From
	// then on the target follows the 95th percentile of the jitter: up at
	// once, down over seconds.
	StartDelay time.Duration
	// MinDelay is the floor of the target delay; 0 means 20 ms.
	MinDelay time.Duration
	// MaxDelay is the ceiling of the target delay; 0 means 400 ms.
	MaxDelay time.Duration
	// FrameSamples is the mixer's tick: how many samples it mixes and
	// writes to its outputs at a time. 0 means FrameSamples (20 ms); 480
	// (10 ms) is the low-latency mode. Any multiple of 120 (2.5 ms, the
	// Opus granularity) up to 960 works; NewMixer panics on other values,
	// which are programming errors. Packets of any Opus duration play at
	// any tick.
	FrameSamples int
}

// Mixer is the receive side's audio engine: it owns a jitter buffer and
// decoder per remote sender, and its Run goroutine is the only one that
// decodes and mixes. Every tick the Pacer asks for, Run takes one tick of
// audio (MixerConfig.FrameSamples) from each stream's jitter buffer
// (decoded, rebuilt by FEC, concealed, stretched or shortened, or silence),
// updates the stream's level, sums the streams, each scaled by its playback
// gain (SetGain), through a soft limiter and writes the mix to every Output.
//
// AddStream, RemoveStream, AddOutput and RemoveOutput may be called from
// any goroutine, also while Run runs: they replace immutable snapshots
// that Run and Level read without locking.
type Mixer struct {
	cfg MixerConfig
	jb  jbConfig

	mu      sync.Mutex     // serialises snapshot writers; Run never takes it
	gains   map[string]int // playback gains not 100 %, by id; guarded by mu (control path only)
	streams atomic.Pointer[streamSet]
	outputs atomic.Pointer[[]Output]
	running atomic.Bool
	// cue is a local sound being played into the mix (PlayCue).
	cue atomic.Pointer[cue]

	// Owned by Run.
	frame []int16
	sum   []float32
	mix   []int16
}

// NewMixer makes a mixer with no streams and no outputs.
func NewMixer(cfg MixerConfig) *Mixer {
	cfg.StartDelay = cmp.Or(max(cfg.StartDelay, 0), defaultStartDelay)
	cfg.MinDelay = cmp.Or(max(cfg.MinDelay, 0), defaultMinDelay)
	cfg.MaxDelay = max(cmp.Or(max(cfg.MaxDelay, 0), defaultMaxDelay), cfg.MinDelay)
	if cfg.FrameSamples == 0 {
		cfg.FrameSamples = FrameSamples
	}
	if cfg.FrameSamples < 0 || cfg.FrameSamples > FrameSamples || cfg.FrameSamples%120 != 0 {
		panic(fmt.Sprintf("audio: MixerConfig.FrameSamples %d is not a multiple of 120 up to %d", cfg.FrameSamples, FrameSamples))
	}
	n := cfg.FrameSamples
	m := &Mixer{
		cfg:   cfg,
		jb:    jbConfig{tick: n, minDelay: cfg.MinDelay, maxDelay: cfg.MaxDelay, startDelay: cfg.StartDelay},
		frame: make([]int16, n),
		sum:   make([]float32, n),
		mix:   make([]int16, n),
		gains: map[string]int{},
	}
	m.streams.Store(&streamSet{byID: map[string]*Stream{}})
	m.outputs.Store(&[]Output{})
	return m
}

// FrameSamples is the number of samples the mixer makes per tick (see
// MixerConfig.FrameSamples).
func (m *Mixer) FrameSamples() int { return m.cfg.FrameSamples }

// tick is the duration of one mixer tick.
func (m *Mixer) tick() time.Duration {
	return time.Duration(m.cfg.FrameSamples) * time.Second / SampleRate
}

// AddStream adds a remote sender under id (the user id) and returns the
// Stream to Push its packets into. It fails with ErrStreamExists if id is
// already mixed.
func (m *Mixer) AddStream(id string) (*Stream, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.streams.Load().byID
	if _, ok := old[id]; ok {
		return nil, fmt.Errorf("%w: %q", ErrStreamExists, id)
	}
	s, err := newStream(id, m.jb)
	if err != nil {
		return nil, err
	}
	if g, ok := m.gains[id]; ok {
		s.gain.Store(int32(g)) // set by SetGain before the stream existed
	}
	next := maps.Clone(old)
	next[id] = s
	m.publishStreams(next)
	return s, nil
}

// RemoveStream stops mixing id; pushing into its Stream afterwards is
// harmless and has no effect. Unknown ids are ignored.
func (m *Mixer) RemoveStream(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.streams.Load().byID
	if _, ok := old[id]; !ok {
		return
	}
	next := maps.Clone(old)
	delete(next, id)
	m.publishStreams(next)
}

// RemoveStreamIf is RemoveStream for a reader that may have been
// replaced: it stops mixing id only while id is still st, so the end of
// an old connection's track cannot remove a new connection's stream of the
// same sender.
func (m *Mixer) RemoveStreamIf(id string, st *Stream) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.streams.Load().byID
	if old[id] != st {
		return
	}
	next := maps.Clone(old)
	delete(next, id)
	m.publishStreams(next)
}

// streamSet is an immutable snapshot of the mixed streams.
type streamSet struct {
	byID map[string]*Stream
	list []*Stream // sorted by id, so mixing order does not follow map order
}

// publishStreams stores a new snapshot.
func (m *Mixer) publishStreams(byID map[string]*Stream) {
	list := slices.SortedFunc(maps.Values(byID), func(a, b *Stream) int {
		return cmp.Compare(a.id, b.id)
	})
	m.streams.Store(&streamSet{byID: byID, list: list})
}

// AddOutput adds a destination for the mix (a Playback, a WAVWriter).
func (m *Mixer) AddOutput(o Output) {
	m.mu.Lock()
	defer m.mu.Unlock()
	next := append(slices.Clone(*m.outputs.Load()), o)
	m.outputs.Store(&next)
}

// RemoveOutput removes an output added before (compared with ==, so pass
// the same pointer), for switching speakers mid-call.
func (m *Mixer) RemoveOutput(o Output) {
	m.mu.Lock()
	defer m.mu.Unlock()
	next := slices.DeleteFunc(slices.Clone(*m.outputs.Load()), func(x Output) bool { return x == o })
	m.outputs.Store(&next)
}

// Level is the smoothed 0-100 level of the stream id, or 0 if there is no
// such stream. It is what the sender sends, before the playback gain, so a
// locally muted participant still shows as talking. It reads atomics only
// and is safe from any goroutine.
func (m *Mixer) Level(id string) int {
	if s := m.streams.Load().byID[id]; s != nil {
		return s.Level()
	}
	return 0
}

// Run mixes until ctx ends, producing a frame whenever p says one is due,
// and returns nil then. A Pacer that paces by frame size (*Playback,
// *ClockPacer) is first set to the mixer's, so it asks for ticks of the
// right length. Only one Run may be active at a time; another returns
// ErrRunning.
func (m *Mixer) Run(ctx context.Context, p Pacer) error {
	if !m.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer m.running.Store(false)
	if f, ok := p.(frameSizer); ok {
		f.SetFrameSamples(m.cfg.FrameSamples)
	}
	nd, _ := p.(nextDuer)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := time.Now()
		for n := 0; n < maxMixBurst && p.Due(now); n++ {
			m.mixFrameAt(now)
			now = time.Now()
		}
		wait := mixerPoll
		if nd != nil {
			wait = min(max(nd.NextDue(now).Sub(now), minMixWait), m.tick())
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
	}
}

// mixFrame makes one frame of the mix now.
func (m *Mixer) mixFrame() { m.mixFrameAt(time.Now()) }

// mixFrameAt makes one frame of the mix at the given time (the playout
// clock's tick) and writes it to every output.
func (m *Mixer) mixFrameAt(now time.Time) {
	clear(m.sum)
	for _, s := range m.streams.Load().list {
		active, first := s.frame(m.frame, now)
		if first && m.cfg.OnFirstFrame != nil {
			m.cfg.OnFirstFrame(s.id)
		}
		// A locally muted stream is still pulled above, so its jitter
		// buffer, decoder state and level keep running; it is only left
		// out of the sum.
		g := s.gain.Load()
		if !active || g == GainMuted {
			continue
		}
		addScaled(m.sum, m.frame, g)
	}
	m.addCue(m.sum)
	for i, v := range m.sum {
		m.mix[i] = softLimit(v)
	}
	for _, o := range *m.outputs.Load() {
		o.WriteFrame(m.mix)
	}
}
