package devices

import (
	"math"
	"sync/atomic"

	"github.com/confab-rtc/confab/audio"
)

// clipThreshold is the sample magnitude counted as full scale: converters
// that clip flatten a little under the rail, so the last 1 % counts.
const clipThreshold = 32440

// silentDBFS is the PeakDBFS reported for digital silence, which JSON
// cannot carry as -Inf.
const silentDBFS = -120

// MicStats is what a microphone's audio looked like over a check.
type MicStats struct {
	// Samples is how many samples were analysed.
	Samples int `json:"samples"`
	// PeakLevel is the loudest 20 ms frame on the seeds' 0-100 scale
	// (audio.Level100): 0 is -60 dBov or quieter, 100 is 0 dBov.
	PeakLevel int `json:"peakLevel"`
	// PeakDBFS is the largest sample in dB relative to full scale.
	PeakDBFS float64 `json:"peakDBFS"`
	// Clipped is how many samples were at full scale.
	Clipped int `json:"clippedSamples"`
}

// MicProbe measures a microphone frame by frame, for the live meter and
// the verdict. One goroutine calls Add; Level and Peak may be read from
// any goroutine at any time; Stats once the Add calls are over.
type MicProbe struct {
	meter   audio.Meter
	peak    atomic.Int64 // highest frame level so far
	samples int
	clipped int
	maxAbs  int
}

// Add measures the next frame of captured audio (normally 20 ms). It
// neither allocates nor blocks.
func (p *MicProbe) Add(frame []int16) {
	if len(frame) == 0 {
		return
	}
	p.meter.Update(frame)
	if l := int64(audio.Level100(frame)); l > p.peak.Load() {
		p.peak.Store(l)
	}
	for _, s := range frame {
		a := int(s)
		if a < 0 {
			a = -a
		}
		if a > p.maxAbs {
			p.maxAbs = a
		}
		if a >= clipThreshold {
			p.clipped++
		}
	}
	p.samples += len(frame)
}

// Level is the smoothed level for a volume bar, 0-100.
func (p *MicProbe) Level() int { return p.meter.Level() }

// Peak is the loudest frame so far, 0-100.
func (p *MicProbe) Peak() int { return int(p.peak.Load()) }

// Stats sums up the frames added. Call it after the last Add returned.
func (p *MicProbe) Stats() MicStats {
	db := float64(silentDBFS)
	if p.maxAbs > 0 {
		db = math.Round(10*20*math.Log10(float64(p.maxAbs)/32767)) / 10
	}
	return MicStats{Samples: p.samples, PeakLevel: p.Peak(), PeakDBFS: db, Clipped: p.clipped}
}
