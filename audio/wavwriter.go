package audio

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// wavFlushInterval is how often a WAVWriter moves buffered audio to the
// file and rewrites the header sizes: it bounds what a killed process
// loses, and the header always describes only bytes already written.
const wavFlushInterval = 100 * time.Millisecond

// wavBuffer is how much audio a WAVWriter buffers between flushes; a disk
// stalled for longer than this drops audio (counted by Overruns) instead
// of blocking the mixer.
const wavBuffer = 2 * time.Second

// WAVWriter records 16-bit PCM to a WAV file while it is being produced.
// WriteFrame only copies into a ring; a goroutine appends the samples to
// the file every 100 ms and then rewrites the RIFF and data sizes, so the
// file on disk is a valid WAV at every moment: a recording cut short by
// SIGINT, SIGTERM or SIGKILL plays back up to its last flush.
//
// WriteFrame takes interleaved samples in the writer's own rate and
// channel layout (the mixer's mono 48 kHz frames when the writer was
// opened with SampleRate and Channels).
type WAVWriter struct {
	f        *os.File
	rate     int
	channels int
	ring     *Ring
	closed   atomic.Bool

	// Owned by the flush goroutine until done is closed.
	dataBytes int64
	samples   []int16
	bytes     []byte
	err       error

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// NewWAVWriter creates (or truncates) path, writes a valid empty WAV
// header and starts the flush goroutine.
func NewWAVWriter(path string, rate, channels int) (*WAVWriter, error) {
	if rate < 1 || channels < 1 || channels > 0xFFFF {
		return nil, fmt.Errorf("%w: %d channels at %d Hz", ErrFormat, channels, rate)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	hdr := wavHeader(rate, channels, 0)
	if _, err := f.Write(hdr[:]); err != nil {
		f.Close()
		return nil, err
	}
	n := int(wavBuffer.Seconds() * float64(rate*channels))
	w := &WAVWriter{
		f:        f,
		rate:     rate,
		channels: channels,
		ring:     NewRing(n),
		samples:  make([]int16, n),
		bytes:    make([]byte, 2*n),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go w.run()
	return w, nil
}

// WriteFrame queues samples for the file without blocking. It must be
// called from one goroutine at a time (the mixer's); samples written after
// Close, or while the buffer is full, are dropped.
func (w *WAVWriter) WriteFrame(frame []int16) {
	if w.closed.Load() {
		return
	}
	w.ring.Write(frame)
}

// Overruns is the number of samples dropped because the file could not
// keep up.
func (w *WAVWriter) Overruns() uint64 { return w.ring.Overruns() }

// Close writes what is still buffered, finalises the header and closes the
// file. It is idempotent and returns the first write error, if any.
func (w *WAVWriter) Close() error {
	w.closeOnce.Do(func() {
		w.closed.Store(true)
		close(w.stop)
		<-w.done
		if err := w.f.Close(); w.err == nil {
			w.err = err
		}
	})
	<-w.done
	return w.err
}

func (w *WAVWriter) run() {
	defer close(w.done)
	t := time.NewTicker(wavFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			w.flush()
		case <-w.stop:
			w.flush()
			return
		}
	}
}

// flush appends the ring's samples to the data chunk, then updates the
// header: data first, so the header never claims bytes that are not there.
func (w *WAVWriter) flush() {
	if w.err != nil {
		w.ring.Discard(w.ring.Len())
		return
	}
	n := w.ring.Len()
	n -= n % w.channels
	// A WAV data chunk cannot exceed 4 GiB; past that, drop.
	if room := (math.MaxUint32 - 36 - w.dataBytes) / 2; int64(n) > room {
		w.ring.Discard(n - int(room))
		n = int(room)
	}
	if n == 0 {
		return
	}
	w.ring.Read(w.samples[:n])
	for i, s := range w.samples[:n] {
		binary.LittleEndian.PutUint16(w.bytes[2*i:], uint16(s))
	}
	if _, err := w.f.WriteAt(w.bytes[:2*n], wavHeaderSize+w.dataBytes); err != nil {
		w.err = err
		return
	}
	w.dataBytes += int64(2 * n)
	// One write for both sizes: a kill cannot land between them.
	hdr := wavHeader(w.rate, w.channels, int(w.dataBytes))
	if _, err := w.f.WriteAt(hdr[:], 0); err != nil {
		w.err = err
	}
}
