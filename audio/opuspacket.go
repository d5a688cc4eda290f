package audio

// What the jitter buffer needs to know about an Opus packet without
// decoding it, read from the TOC byte and frame headers (RFC 6716 §3.1).

// maxPacketSamples is the longest an Opus packet can last: 120 ms.
const maxPacketSamples = 120 * SampleRate / 1000

// opusFrameSamples is the duration of one frame for each of the 32 TOC
// configurations, in samples at 48 kHz: SILK 10/20/40/60 ms (0-11),
// hybrid 10/20 ms (12-15), CELT 2.5/5/10/20 ms (16-31).
var opusFrameSamples = [32]int16{
	480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880,
	480, 960, 480, 960,
	120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960,
}

// opusFrameCount is the number of frames in a packet, or 0 if the packet
// is malformed.
func opusFrameCount(p []byte) int {
	if len(p) == 0 {
		return 0
	}
	switch p[0] & 3 {
	case 0:
		return 1
	case 1, 2:
		return 2
	default:
		if len(p) < 2 {
			return 0
		}
		return int(p[1] & 0x3f)
	}
}

// opusPacketSamples is the duration of an Opus packet in samples at 48
// kHz, or 0 if it cannot be read or lasts more than the 120 ms Opus allows.
func opusPacketSamples(p []byte) int {
	n := opusFrameCount(p)
	if n == 0 {
		return 0
	}
	d := n * int(opusFrameSamples[p[0]>>3])
	if d > maxPacketSamples {
		return 0
	}
	return d
}

// opusFrameSamplesOf is the duration of one frame of the packet, which is
// the most FEC can rebuild from it.
func opusFrameSamplesOf(p []byte) int {
	if len(p) == 0 {
		return 0
	}
	return int(opusFrameSamples[p[0]>>3])
}

// opusFirstFrame is the offset of the first frame's data in a SILK or
// hybrid packet, or -1 when the packet is CELT-only or too short.
func opusFirstFrame(p []byte) int {
	if len(p) < 2 || p[0]>>3 >= 16 {
		return -1
	}
	var data int
	switch p[0] & 3 {
	case 0, 1:
		data = 1
	case 2:
		data = 2
		if p[1] >= 252 {
			data = 3
		}
	default:
		data = 2
		if p[1]&0x40 != 0 { // padding length bytes
			for data < len(p) && p[data] == 255 {
				data++
			}
			data++
		}
		if p[1]&0x80 != 0 { // VBR: the lengths of all frames but the last
			for range int(p[1]&0x3f) - 1 {
				if data < len(p) && p[data] >= 252 {
					data++
				}
				data++
			}
		}
	}
	if data >= len(p) {
		return -1
	}
	return data
}

// opusHasFEC reports whether the packet carries in-band FEC (SILK LBRR
// data) for the packet before it: the LBRR flag follows the first frame's
// VAD flags at the top of its range-coded data, as WebRTC's
// WebRtcOpus_PacketHasFec reads it. CELT-only packets never carry any,
// and SILK sends none for frames it did not find voice in.
func opusHasFEC(p []byte) bool {
	data := opusFirstFrame(p)
	if data < 0 {
		return false
	}
	// SILK frames of 10 or 20 ms are one SILK frame, 40 ms two, 60 ms three.
	silkFrames := max(int(opusFrameSamples[p[0]>>3])/960, 1)
	return p[data]&(0x80>>silkFrames) != 0
}

// opusVoice reports whether SILK found voice in the packet's first frame
// (its VAD flag). A DTX encoder only goes quiet after frames without
// voice, so silence after such a packet is a pause rather than loss.
// CELT-only packets say nothing and count as voice.
func opusVoice(p []byte) bool {
	if IsDTXPacket(p) {
		return false
	}
	data := opusFirstFrame(p)
	return data < 0 || p[data]&0x80 != 0
}
