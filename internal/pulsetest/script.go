package pulsetest

import "fmt"

// Names of the devices every server has, and the rate they all run at.
const (
	// SpeakerSink is the default sink, stereo like a real speaker: the app
	// plays here and tests record SpeakerSink+".monitor".
	SpeakerSink = "spk_a"
	// MicFeedSink is the mono sink whose monitor feeds VirtualMic: tests
	// play the "voice" here.
	MicFeedSink = "mic_feed"
	// VirtualMic is the default source, what the app sees as its
	// microphone.
	VirtualMic = "virtual_mic"
	// Rate is the sample rate of every device and of Play and Record.
	Rate = 48000
)

// script is the startup file passed with -F. Only these modules are loaded
// (see the package comment for what is left out and why).
func script(socket string) string {
	return fmt.Sprintf(`load-module module-native-protocol-unix auth-anonymous=1 socket=%s
load-module module-null-sink sink_name=%s rate=%d channels=2 sink_properties=device.description=Virtual_Speaker_A
load-module module-null-sink sink_name=%s rate=%d channels=1 sink_properties=device.description=Mic_Feed
load-module module-remap-source source_name=%s master=%s.monitor channels=1 source_properties=device.description=Virtual_Mic
set-default-sink %s
set-default-source %s
`, socket, SpeakerSink, Rate, MicFeedSink, Rate, VirtualMic, MicFeedSink, SpeakerSink, VirtualMic)
}

// clientConf is the private client.conf: a client that cannot reach the
// test server must fail instead of autospawning some other server.
const clientConf = "autospawn = no\n"
