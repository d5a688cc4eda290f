// Package pulsetest runs a private PulseAudio server with virtual devices so
// that tests and benchmarks can push real sound through real audio devices on
// a machine without a sound card (see /work/shared/TESTING.md).
//
// The server has two null sinks and a virtual microphone:
//
//	spk_a        default sink, stereo: the app plays here, tests record spk_a.monitor
//	mic_feed     mono sink: tests play here (Play) ...
//	virtual_mic  default source, mono, remapped from mic_feed.monitor: ... and the app captures it
//
// Start is the entry point for tests: it fails or skips the test as
// appropriate and cleans up after it. StartProcess and Close are the same
// machinery for benchmarks and commands that have no testing.TB.
//
// Each line of the recipe exists because of a pitfall seen on the target
// machines (Debian bookworm, PulseAudio 16, no sound card, running as root):
//
//   - Private 0700 XDG_RUNTIME_DIR and HOME: the server's socket, cookie and
//     state must not collide with a desktop's PulseAudio or with another
//     test's server, and PulseAudio refuses a runtime dir others can enter.
//   - --daemonize=no, --use-pid-file=no: the process we started is the
//     server, so we can kill it by its PID and reap it; nothing else (no
//     pid file, no autospawned copy) can take its place.
//   - --exit-idle-time=-1: a server that exits when no client is connected
//     would vanish between two steps of a test.
//   - --realtime=no --high-priority=no: no rtkit or scheduling privileges
//     exist here; asking for them only adds warnings and delay.
//   - -n -F <script>: only the modules listed in the script. In particular
//     no module-suspend-on-idle (suspending idle sinks makes the first
//     audio of a test arrive late by a random amount), no udev (no hardware
//     to find) and no dbus modules (no bus; a desktop's bus must not see
//     the test server).
//   - rate=48000 on every sink: confab works at 48 kHz; any other device
//     rate adds a resampler that changes latency and the measured signal.
//   - The warm-up reader: an idle null sink renders up to 2 s ahead, so the
//     first low-latency stream stalls for 0.5-2 s. Each null sink (at start
//     and loaded later with LoadNullSink) is suspended, gets a permanent
//     parec --latency-msec=5 reader on its monitor, and is resumed, which
//     keeps it running with a 5 ms latency from the start.
//   - Players (Play) keep 50 ms buffered, not 10 ms: on the shared 2-core
//     VMs a 10 ms pacat underran dozens of times in 3 s, each underrun a
//     hole of silence in the injected audio.
//   - autospawn = no in a private client.conf: a client that cannot reach
//     the test server must fail, not silently start a desktop-style server.
//   - Every process (pulseaudio, warm-up readers, players, recorders) is
//     stopped by its PID and reaped at Close, never by name, so parallel
//     test binaries do not kill each other's servers. On Linux they are
//     also started with a parent-death signal, so a test binary killed by
//     `go test -timeout` does not leave servers behind.
package pulsetest
