package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWAVRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		pcm      []int16
		rate     int
		channels int
	}{
		{"mono 48k", seq(-500, 4800), 48000, 1},
		{"stereo 44.1k", seq(-32768, 2000), 44100, 2},
		{"extremes", []int16{-32768, 32767, 0, -1, 1}, 8000, 1},
		{"empty", []int16{}, 48000, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.wav")
			if err := WriteWAV(path, tt.pcm, tt.rate, tt.channels); err != nil {
				t.Fatal(err)
			}
			pcm, rate, ch, err := ReadWAV(path)
			if err != nil {
				t.Fatal(err)
			}
			if rate != tt.rate || ch != tt.channels || !slices.Equal(pcm, tt.pcm) {
				t.Fatalf("read %d samples %d Hz %d ch, want %d samples %d Hz %d ch (equal=%v)",
					len(pcm), rate, ch, len(tt.pcm), tt.rate, tt.channels, slices.Equal(pcm, tt.pcm))
			}
			fi, _ := os.Stat(path)
			if fi.Size() != int64(44+2*len(tt.pcm)) {
				t.Fatalf("file is %d bytes, want a 44-byte header and the samples", fi.Size())
			}
		})
	}
}

// rawWAV builds a WAV file by hand, with an extra chunk before the data,
// to check ReadWAV against files it did not write.
func rawWAV(tag uint16, bits, rate, channels int, data []byte, extensible bool) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	fmtLen := 16
	if extensible {
		fmtLen = 40
	}
	b.WriteString("RIFF")
	binary.Write(&b, le, uint32(4+8+fmtLen+8+5+1+8+len(data)))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, le, uint32(fmtLen))
	outer := tag
	if extensible {
		outer = wavExtensible
	}
	binary.Write(&b, le, outer)
	binary.Write(&b, le, uint16(channels))
	binary.Write(&b, le, uint32(rate))
	binary.Write(&b, le, uint32(rate*channels*bits/8))
	binary.Write(&b, le, uint16(channels*bits/8))
	binary.Write(&b, le, uint16(bits))
	if extensible {
		binary.Write(&b, le, uint16(22))
		binary.Write(&b, le, uint16(bits))
		binary.Write(&b, le, uint32(0))
		binary.Write(&b, le, tag)
		b.Write(make([]byte, 14))
	}
	b.WriteString("LIST")
	binary.Write(&b, le, uint32(5))
	b.WriteString("odd!!\x00") // odd size plus its pad byte
	b.WriteString("data")
	binary.Write(&b, le, uint32(len(data)))
	b.Write(data)
	return b.Bytes()
}

func TestReadWAVFormats(t *testing.T) {
	le := binary.LittleEndian
	f32 := func(vs ...float32) []byte {
		var b []byte
		for _, v := range vs {
			b = le.AppendUint32(b, math.Float32bits(v))
		}
		return b
	}
	f64 := func(vs ...float64) []byte {
		var b []byte
		for _, v := range vs {
			b = le.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	tests := []struct {
		name string
		file []byte
		want []int16
	}{
		{"pcm 8 bit", rawWAV(wavPCM, 8, 8000, 1, []byte{128, 255, 0}, false), []int16{0, 127 << 8, -32768}},
		{"pcm 24 bit", rawWAV(wavPCM, 24, 48000, 1, []byte{0xff, 0x34, 0x12, 0x00, 0x00, 0x80}, false), []int16{0x1234, -32768}},
		{"pcm 32 bit", rawWAV(wavPCM, 32, 48000, 1, le.AppendUint32(nil, 0x7fff0000), false), []int16{32767}},
		{"float 32 clips", rawWAV(wavFloat, 32, 48000, 1, f32(0, 0.5, -1, 2), false), []int16{0, 16384, -32767, 32767}},
		{"float 64", rawWAV(wavFloat, 64, 48000, 1, f64(-0.5), false), []int16{-16384}},
		{"extensible float", rawWAV(wavFloat, 32, 48000, 1, f32(0.25), true), []int16{8192}},
		{"extensible pcm 16", rawWAV(wavPCM, 16, 48000, 1, []byte{0x01, 0x02}, true), []int16{0x0201}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.wav")
			os.WriteFile(path, tt.file, 0o600)
			pcm, _, _, err := ReadWAV(path)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pcm, tt.want) {
				t.Fatalf("samples %v, want %v", pcm, tt.want)
			}
		})
	}
}

func TestReadWAVRejects(t *testing.T) {
	tests := []struct {
		name string
		file []byte
	}{
		{"not RIFF", []byte("OggS and then some bytes")},
		{"empty", nil},
		{"a-law", rawWAV(6, 8, 8000, 1, []byte{1}, false)},
		{"12 bit", rawWAV(wavPCM, 12, 8000, 1, []byte{1, 2}, false)},
		{"no data chunk", rawWAV(wavPCM, 16, 8000, 1, nil, false)[:12+8+16]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.wav")
			os.WriteFile(path, tt.file, 0o600)
			if _, _, _, err := ReadWAV(path); !errors.Is(err, ErrFormat) {
				t.Fatalf("err = %v, want ErrFormat", err)
			}
		})
	}
}

func TestReadWAVTruncatedData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.wav")
	if err := WriteWAV(path, seq(0, 1000), 48000, 2); err != nil {
		t.Fatal(err)
	}
	// Cut in the middle of a sample frame: the header claims 2000 bytes.
	if err := os.Truncate(path, 44+1001); err != nil {
		t.Fatal(err)
	}
	pcm, _, _, err := ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pcm, seq(0, 500)) {
		t.Fatalf("read %d samples, want the 500 whole ones", len(pcm))
	}
}
