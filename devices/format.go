package devices

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/confab-rtc/confab/audio"
)

// WriteTable writes the devices for a person: a section per kind, one
// device per line with its id (what --mic and --speaker take) and name,
// the default marked with a star. Each section aligns its own columns.
//
//	Microphones:
//	  * virtual_mic  Virtual_Mic
//	Speakers:
//	  * spk_a     Virtual_Speaker_A
//	    mic_feed  Mic_Feed
func WriteTable(w io.Writer, mics, speakers []audio.DeviceInfo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, sec := range []struct {
		title string
		devs  []audio.DeviceInfo
	}{{"Microphones", mics}, {"Speakers", speakers}} {
		// Headings have no tab, so they do not widen the columns.
		fmt.Fprintf(tw, "%s:\n", sec.title)
		if len(sec.devs) == 0 {
			fmt.Fprintf(tw, "    (none)\n")
		}
		for _, d := range sec.devs {
			mark := " "
			if d.Default {
				mark = "*"
			}
			fmt.Fprintf(tw, "  %s %s\t%s\n", mark, d.ID, d.Name)
		}
	}
	return tw.Flush()
}

// jsonDevices is the shape of WriteJSON's output.
type jsonDevices struct {
	Microphones []audio.DeviceInfo `json:"microphones"`
	Speakers    []audio.DeviceInfo `json:"speakers"`
}

// WriteJSON writes the devices for scripts as one JSON object:
// {"microphones":[{"id":..,"name":..,"default":..}],"speakers":[...]},
// with empty lists as [] rather than null, and a final newline.
func WriteJSON(w io.Writer, mics, speakers []audio.DeviceInfo) error {
	v := jsonDevices{Microphones: mics, Speakers: speakers}
	if v.Microphones == nil {
		v.Microphones = []audio.DeviceInfo{}
	}
	if v.Speakers == nil {
		v.Speakers = []audio.DeviceInfo{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
