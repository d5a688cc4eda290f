package pulsetest

import "strconv"

// warmUp keeps a null sink running at low latency. An idle null sink
// renders up to 2 s ahead, so the first low-latency stream to connect
// stalls for 0.5-2 s before its audio moves. The fix: suspend the sink,
// attach a permanent parec reader asking for 5 ms latency to its monitor,
// and resume it; the sink restarts with the reader's latency and stays
// there. The reader is waited for (its stream must be connected) before
// the resume, or the sink would restart with its idle latency.
func (s *Server) warmUp(sink string) error {
	if _, err := s.pactl(pactlTimeout, "suspend-sink", sink, "1"); err != nil {
		return err
	}
	name := s.streamName("warm-" + sink)
	c, err := s.spawn("parec warm-up of "+sink, "parec", []string{
		"--latency-msec=5", "--rate=" + strconv.Itoa(Rate), "--channels=1", "--format=s16le",
		"--device=" + sink + ".monitor", "--stream-name=" + name, "--client-name=" + name,
	}, nil, nil)
	if err != nil {
		return err
	}
	if err := s.waitStream("source-outputs", name, c); err != nil {
		s.reap(c)
		return err
	}
	if _, err := s.pactl(pactlTimeout, "suspend-sink", sink, "0"); err != nil {
		s.reap(c)
		return err
	}
	s.mu.Lock()
	s.warmers[sink] = c
	s.mu.Unlock()
	return nil
}
