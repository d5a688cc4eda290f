package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// clickSource is a microphone that clicks every period: it delivers
// frames of whatever length it is asked for in real time (like a capture
// device, a frame is ready when its last sample is captured) and records
// when each click was "spoken" and how long it waited in its frame.
type clickSource struct {
	period int // samples between clicks
	pos    int
	next   time.Time
	mu     sync.Mutex
	clicks []time.Time
	waits  []time.Duration // per click: from the click to the end of its frame
}

func (s *clickSource) ReadFrame(ctx context.Context, frame []int16) error {
	if s.next.IsZero() {
		s.next = time.Now()
	}
	s.next = s.next.Add(time.Duration(len(frame)) * time.Second / audio.SampleRate)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Until(s.next)):
	}
	clear(frame)
	for i := range frame {
		if (s.pos+i)%s.period == 0 {
			// A 1 ms 3 kHz burst, Hann-shaped: sharp in time, clean through Opus.
			for k := 0; k < 48 && i+k < len(frame); k++ {
				w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(k)/48)
				frame[i+k] = int16(20000 * w * math.Sin(2*math.Pi*3000*float64(k)/48000))
			}
			wait := time.Duration(len(frame)-i) * time.Second / audio.SampleRate
			s.mu.Lock()
			s.clicks = append(s.clicks, s.next.Add(-wait))
			s.waits = append(s.waits, wait)
			s.mu.Unlock()
		}
	}
	s.pos += len(frame)
	return nil
}

func (s *clickSource) Close() error { return nil }

// clickEar is a speaker that notes when each click starts playing: the
// frame handed to it starts playing now (the clock pacer keeps no device
// queue), so a click at sample j is heard j samples later.
type clickEar struct {
	mu     sync.Mutex
	heard  []time.Time
	quiet  int
	primed bool
}

func (e *clickEar) WriteFrame(frame []int16) {
	now := time.Now()
	for j, v := range frame {
		if v > 4000 || v < -4000 {
			if e.quiet > audio.SampleRate/10 || !e.primed {
				e.mu.Lock()
				e.heard = append(e.heard, now.Add(time.Duration(j)*time.Second/audio.SampleRate))
				e.mu.Unlock()
				e.primed = true
			}
			e.quiet = 0
		} else {
			e.quiet++
		}
	}
}

// mouthToEarModes are the sender settings BenchmarkMouthToEar compares:
// the standard profile in 20 ms frames, and the low-latency mode with FEC
// (VoIP, 6.5 ms lookahead) and without (restricted-low-delay, 2.5 ms).
var mouthToEarModes = []struct {
	name string
	enc  audio.EncoderConfig
}{
	{"20ms", audio.EncoderConfig{Bitrate: 40000, FEC: true, PacketLossPercent: 5, Complexity: 9}},
	{"10ms", audio.EncoderConfig{Bitrate: 40000, FEC: true, PacketLossPercent: 5, Complexity: 9, FrameDuration: audio.LowLatencyFrameDuration}},
	{"10ms-lowdelay", audio.EncoderConfig{Bitrate: 40000, Complexity: 9, FrameDuration: audio.LowLatencyFrameDuration, LowDelay: true}},
}

// BenchmarkMouthToEar measures the latency from a click entering A's
// capture path to it leaving B's playback path, through the room server
// on loopback (Opus, jitter buffer, mixer), in-process, once per mode of
// mouthToEarModes (the receiver ticks at the sender's frame length, as
// the engine does). Clicks come every 0.5 s plus 97 samples, so they
// land at every phase of a frame, as speech does. Device buffers are not
// included: add the capture period and the playback queue of the device
// (BenchmarkMouthToEarPulse measures them).
//
// Where the time goes: every sample waits for the end of its frame and
// then plays that much after the frame starts, so each costs exactly one
// frame (20 or 10 ms; capture-ms is the first half, the mean wait for
// the end of the frame); Opus' lookahead adds 6.5 ms (VoIP) or 2.5 ms
// (restricted-low-delay; TestEncoderLookahead measures both); loopback
// and the server about 1 ms; the rest is the time a packet waits in the
// receiver's jitter buffer for its mixer tick.
//
//	go test ./e2e -run '^$' -bench 'MouthToEar$' -benchtime 1x
func BenchmarkMouthToEar(b *testing.B) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	const appID, appKey = "bench", "0123456789abcdef0123456789abcdef"
	srv, err := server.New(server.Config{Listen: "127.0.0.1:0", AppID: appID, AppKey: appKey}, log)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Run(ctx)
	defer srv.Close()
	for srv.Addr() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	url := "ws://" + srv.Addr().String()
	for _, mode := range mouthToEarModes {
		b.Run(mode.name, func(b *testing.B) {
			room := "bench-" + mode.name
			join := func(user string, p call.Params) *call.Engine {
				ctime := time.Now().Add(time.Hour).Unix()
				eng := call.New(call.Config{ServerURL: url, Room: room, UserID: user, AppID: appID, CTime: ctime,
					Signature: signal.Sign(appKey, appID, room, user, ctime), Encoder: mode.enc}, p)
				go func() {
					for range eng.Events() {
					}
				}()
				go eng.Run(ctx)
				return eng
			}
			src := &clickSource{period: audio.SampleRate/2 + 97}
			ear := &clickEar{}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a := join("a", call.Params{Source: src, Logger: log})
				bb := join("b", call.Params{Outputs: []audio.Output{ear}, Logger: log})
				time.Sleep(30 * time.Second)
				a.Close()
				bb.Close()
			}
			b.StopTimer()
			src.mu.Lock()
			ear.mu.Lock()
			defer src.mu.Unlock()
			defer ear.mu.Unlock()
			// Pair each heard click with the latest spoken click before it.
			var lat []float64
			for _, h := range ear.heard {
				k := sort.Search(len(src.clicks), func(i int) bool { return src.clicks[i].After(h) }) - 1
				if k >= 0 {
					if d := h.Sub(src.clicks[k]); d < 400*time.Millisecond {
						lat = append(lat, float64(d.Microseconds())/1000)
					}
				}
			}
			if len(lat) < 10 {
				b.Fatalf("only %d clicks came through (%d spoken, %d heard)", len(lat), len(src.clicks), len(ear.heard))
			}
			b.Logf("latencies in ms, in click order: %s", joinFloats(lat))
			var wait time.Duration
			for _, w := range src.waits {
				wait += w
			}
			sort.Float64s(lat)
			b.ReportMetric(0, "ns/op") // one fixed-length run: time per op means nothing
			b.ReportMetric(percentile(lat, 50), "p50-ms")
			b.ReportMetric(percentile(lat, 95), "p95-ms")
			b.ReportMetric(float64(wait.Microseconds())/1000/float64(len(src.waits)), "capture-ms")
			b.ReportMetric(float64(len(lat)), "clicks")
		})
	}
}

// joinFloats formats milliseconds for a log line.
func joinFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.1f", x)
	}
	return strings.Join(s, " ")
}

// procStat reads a process's CPU time (user+system) and resident memory.
func procStat(pid int) (cpu time.Duration, rssKB int, err error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// Fields after the ")" that ends the command name; utime and stime
	// are fields 14 and 15 of the whole line.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	ut, _ := strconv.Atoi(f[11])
	st, _ := strconv.Atoi(f[12])
	cpu = time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			rssKB, _ = strconv.Atoi(strings.Fields(l)[1])
		}
	}
	return cpu, rssKB, nil
}

// BenchmarkHeadlessClient4Party measures the CPU (% of one core) and RSS
// of one `confab join --headless` process in a 4-party call: it sends a
// tone and decodes and mixes the other three (recording the mix).
//
//	go test ./e2e -run '^$' -bench Headless -benchtime 1x
func BenchmarkHeadlessClient4Party(b *testing.B) {
	for i := 0; i < b.N; i++ {
		e := &env{dir: b.TempDir()}
		e.config = e.path("config.toml")
		b.StopTimer()
		url, stopServer := benchServer(b, e)
		for j, f := range []float64{300, 500, 700} {
			writeToneB(b, e.path(fmt.Sprintf("t%d.wav", j)), f)
			c := e.command(fmt.Sprint("p", j), "join", "--headless", "--user", fmt.Sprint("p", j), "--server", url,
				"--send", e.path(fmt.Sprintf("t%d.wav", j)), "--speaker", "none", "room")
			c.Stdout = io.Discard
			if err := c.Start(); err != nil {
				b.Fatal(err)
			}
			defer stop(c, 5*time.Second)
		}
		writeToneB(b, e.path("me.wav"), 900)
		me := e.command("me", "join", "--headless", "--user", "me", "--server", url,
			"--send", e.path("me.wav"), "--record", e.path("me-rec.wav"), "--speaker", "none", "room")
		me.Stdout = io.Discard
		if err := me.Start(); err != nil {
			b.Fatal(err)
		}
		time.Sleep(5 * time.Second)
		cpu0, _, err := procStat(me.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		const window = 20 * time.Second
		time.Sleep(window)
		cpu1, rss, err := procStat(me.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		stop(me, 5*time.Second)
		stopServer()
		b.ReportMetric(100*float64(cpu1-cpu0)/float64(window), "cpu-%")
		b.ReportMetric(float64(rss)/1024, "rss-MiB")
	}
}

func benchServer(b *testing.B, e *env) (string, func()) {
	cmd := e.command("server", "serve", "--listen", "127.0.0.1:17881")
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	time.Sleep(time.Second)
	return "ws://127.0.0.1:17881", func() { stop(cmd, 5*time.Second) }
}

func writeToneB(b *testing.B, path string, freq float64) {
	writeSine(b, path, freq, 0.3)
}
