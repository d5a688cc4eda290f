package audio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
)

// WAV format tags this package reads.
const (
	wavPCM        = 1
	wavFloat      = 3
	wavExtensible = 0xFFFE
	wavHeaderSize = 44
)

// ReadWAV reads a RIFF WAVE file of integer PCM (8, 16, 24 or 32 bit) or
// IEEE float (32 or 64 bit) samples and returns its interleaved samples as
// 16-bit PCM with the file's own rate and channel count. A data chunk that
// claims more bytes than the file holds (a recording that was cut off) is
// read up to the last whole sample frame instead of failing.
func ReadWAV(path string) (pcm []int16, rate int, channels int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	pcm, rate, channels, err = decodeWAV(bufio.NewReader(f))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	return pcm, rate, channels, nil
}

// wavFormat is the content of a fmt chunk.
type wavFormat struct {
	tag      uint16
	channels int
	rate     int
	bits     int
}

func decodeWAV(r io.Reader) ([]int16, int, int, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil {
		return nil, 0, 0, fmt.Errorf("%w: no RIFF header: %v", ErrFormat, err)
	}
	if string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return nil, 0, 0, fmt.Errorf("%w: not a RIFF WAVE file", ErrFormat)
	}
	var fmtc *wavFormat
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return nil, 0, 0, fmt.Errorf("%w: no data chunk", ErrFormat)
		}
		id, size := string(hdr[0:4]), int64(binary.LittleEndian.Uint32(hdr[4:8]))
		switch id {
		case "fmt ":
			if size < 16 || size > 1<<16 {
				return nil, 0, 0, fmt.Errorf("%w: fmt chunk of %d bytes", ErrFormat, size)
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, 0, 0, fmt.Errorf("%w: short fmt chunk", ErrFormat)
			}
			f, err := parseWAVFormat(b[:size])
			if err != nil {
				return nil, 0, 0, err
			}
			fmtc = &f
		case "data":
			if fmtc == nil {
				return nil, 0, 0, fmt.Errorf("%w: data before fmt", ErrFormat)
			}
			// Read to EOF when the size is larger than what is there: a
			// cut-off file, or a streaming writer's 0xFFFFFFFF.
			data, err := io.ReadAll(io.LimitReader(r, size))
			if err != nil {
				return nil, 0, 0, err
			}
			pcm, err := fmtc.decode(data)
			return pcm, fmtc.rate, fmtc.channels, err
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return nil, 0, 0, fmt.Errorf("%w: no data chunk", ErrFormat)
			}
		}
	}
}

func parseWAVFormat(b []byte) (wavFormat, error) {
	f := wavFormat{
		tag:      binary.LittleEndian.Uint16(b[0:2]),
		channels: int(binary.LittleEndian.Uint16(b[2:4])),
		rate:     int(binary.LittleEndian.Uint32(b[4:8])),
		bits:     int(binary.LittleEndian.Uint16(b[14:16])),
	}
	if f.tag == wavExtensible {
		if len(b) < 26 {
			return f, fmt.Errorf("%w: short WAVE_FORMAT_EXTENSIBLE", ErrFormat)
		}
		// The sub-format GUID starts with the plain format tag.
		f.tag = binary.LittleEndian.Uint16(b[24:26])
	}
	ok := (f.tag == wavPCM && (f.bits == 8 || f.bits == 16 || f.bits == 24 || f.bits == 32)) ||
		(f.tag == wavFloat && (f.bits == 32 || f.bits == 64))
	if !ok {
		return f, fmt.Errorf("%w: format tag %d with %d bits", ErrFormat, f.tag, f.bits)
	}
	if f.channels < 1 || f.rate < 1 {
		return f, fmt.Errorf("%w: %d channels at %d Hz", ErrFormat, f.channels, f.rate)
	}
	return f, nil
}

// decode converts the data chunk's bytes, dropping a trailing partial
// sample frame.
func (f wavFormat) decode(data []byte) ([]int16, error) {
	width := f.bits / 8
	frame := width * f.channels
	n := len(data) / frame * f.channels
	pcm := make([]int16, n)
	for i := range pcm {
		b := data[i*width : (i+1)*width]
		switch {
		case f.tag == wavFloat && width == 4:
			pcm[i] = floatToS16(float64(math.Float32frombits(binary.LittleEndian.Uint32(b))))
		case f.tag == wavFloat:
			pcm[i] = floatToS16(math.Float64frombits(binary.LittleEndian.Uint64(b)))
		case width == 1:
			pcm[i] = int16(int(b[0])-128) << 8
		case width == 2:
			pcm[i] = int16(binary.LittleEndian.Uint16(b))
		case width == 3:
			pcm[i] = int16(uint16(b[1]) | uint16(b[2])<<8)
		default:
			pcm[i] = int16(binary.LittleEndian.Uint32(b) >> 16)
		}
	}
	return pcm, nil
}

// floatToS16 converts a [-1, 1] sample, clipping what lies outside.
func floatToS16(v float64) int16 {
	v = math.Round(v * 32767)
	return int16(min(max(v, -32768), 32767))
}

// WriteWAV writes interleaved 16-bit PCM as a WAV file, replacing path.
func WriteWAV(path string, pcm []int16, rate, channels int) error {
	if rate < 1 || channels < 1 || channels > 0xFFFF {
		return fmt.Errorf("%w: %d channels at %d Hz", ErrFormat, channels, rate)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	hdr := wavHeader(rate, channels, len(pcm)*2)
	_, err = w.Write(hdr[:])
	if err == nil {
		err = binary.Write(w, binary.LittleEndian, pcm)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// wavHeader is the 44-byte header of a 16-bit PCM file whose data chunk
// holds dataBytes bytes.
func wavHeader(rate, channels, dataBytes int) [wavHeaderSize]byte {
	var h [wavHeaderSize]byte
	le := binary.LittleEndian
	copy(h[0:4], "RIFF")
	le.PutUint32(h[4:8], uint32(36+dataBytes))
	copy(h[8:16], "WAVEfmt ")
	le.PutUint32(h[16:20], 16)
	le.PutUint16(h[20:22], wavPCM)
	le.PutUint16(h[22:24], uint16(channels))
	le.PutUint32(h[24:28], uint32(rate))
	le.PutUint32(h[28:32], uint32(rate*channels*2))
	le.PutUint16(h[32:34], uint16(channels*2))
	le.PutUint16(h[34:36], 16)
	copy(h[36:40], "data")
	le.PutUint32(h[40:44], uint32(dataBytes))
	return h
}
