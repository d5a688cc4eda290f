package devices

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// meterWidth is the number of cells of the live volume bar.
const meterWidth = 30

// MeterLine is the live line of `confab devices test`: the microphone's
// volume bar with its current and peak level (0-100), and how much of the
// speaker's test tone has played. mic false leaves the bar out (no
// microphone tested), as tone < 0 leaves the speaker out.
//
//	mic [##########--------------|---]  35 peak 88   speaker: 2.5 s of 440 Hz beeps
func MeterLine(mic bool, level, peak int, tone time.Duration) string {
	var b strings.Builder
	if mic {
		level, peak = min(max(level, 0), 100), min(max(peak, 0), 100)
		filled := level * meterWidth / 100
		mark := min(peak*meterWidth/100, meterWidth-1) // the peak stays visible
		bar := []byte(strings.Repeat("#", filled) + strings.Repeat("-", meterWidth-filled))
		if mark >= filled && peak > 0 {
			bar[mark] = '|'
		}
		fmt.Fprintf(&b, "mic [%s] %3d peak %3d", bar, level, peak)
	}
	if tone >= 0 {
		if b.Len() > 0 {
			b.WriteString("   ")
		}
		fmt.Fprintf(&b, "speaker: %.1f s of %d Hz beeps", tone.Seconds(), TestToneHz)
	}
	return b.String()
}

// CheckReport is the result of `confab devices test`, as --json prints it.
type CheckReport struct {
	// OK is false when any device failed; the command then exits non-zero.
	OK bool `json:"ok"`
	// Microphone and Speaker are the verdicts.
	Microphone Verdict `json:"microphone"`
	Speaker    Verdict `json:"speaker"`
}

// NewCheckReport combines the two verdicts.
func NewCheckReport(mic, speaker Verdict) CheckReport {
	return CheckReport{OK: !mic.Failed() && !speaker.Failed(), Microphone: mic, Speaker: speaker}
}

// WriteJSON writes the report as one indented JSON object.
func (r CheckReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the verdicts for a person: a line per device with its
// status, then for a failing one the problem and what to do.
//
//	Microphone  "Virtual_Mic": OK (peak level 78 of 100, -10.5 dBFS)
//	Speaker     "Virtual_Speaker_A": OK (played 5.0 s of 440 Hz beeps; did you hear them?)
func (r CheckReport) WriteText(w io.Writer) error {
	for _, v := range []struct {
		title string
		v     Verdict
	}{{"Microphone", r.Microphone}, {"Speaker", r.Speaker}} {
		if _, err := fmt.Fprintf(w, "%-11s %s\n", v.title, verdictLine(v.v)); err != nil {
			return err
		}
		if v.v.Failed() {
			fmt.Fprintf(w, "%-11s %s\n", "", v.v.Problem)
			if v.v.Advice != "" {
				fmt.Fprintf(w, "%-11s What to do: %s\n", "", v.v.Advice)
			}
		}
	}
	return nil
}

// verdictLine is the first line of a device's verdict.
func verdictLine(v Verdict) string {
	name := v.DeviceName
	switch {
	case v.Status == StatusSkipped:
		return "not tested"
	case name == "" && v.DeviceID != "":
		name = v.DeviceID
	case name == "":
		name = "default"
	}
	name = fmt.Sprintf("%q", name)
	if v.Failed() {
		if v.Code != 0 {
			return fmt.Sprintf("%s: FAILED, %s (code %d)", name, v.Status, v.Code)
		}
		return fmt.Sprintf("%s: FAILED, %s", name, v.Status)
	}
	switch {
	case v.Mic != nil:
		return fmt.Sprintf("%s: OK (peak level %d of 100, %.1f dBFS)", name, v.Mic.PeakLevel, v.Mic.PeakDBFS)
	case v.Speaker != nil:
		return fmt.Sprintf("%s: OK (played %.1f s of %d Hz beeps; did you hear them?)", name, float64(v.Speaker.PlayedMs)/1000, TestToneHz)
	}
	return name + ": OK"
}
