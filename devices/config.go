package devices

import "time"

// Config holds the Manager's tunables; zero values take the defaults.
type Config struct {
	// PollInterval is how often enumeration is polled and the watchdog
	// runs; 0 means 250 ms, and it is capped at MaxPollInterval. Together
	// with StallTimeout it bounds how fast a lost device is replaced.
	PollInterval time.Duration
	// StallTimeout is how long a started device may deliver no callback
	// before it counts as gone; 0 means 1 s (issue 4).
	StallTimeout time.Duration
	// StartGrace is how long a just-opened device has for its first
	// callback; 0 means 2 s (an idle PulseAudio sink can take that long).
	StartGrace time.Duration
	// RetryAfter is how long a device that failed stays out of the choice
	// while it is still listed; 0 means 10 s. A device that leaves
	// enumeration and comes back is usable again at once.
	RetryAfter time.Duration
}

func (c Config) withDefaults() Config {
	if c.PollInterval <= 0 {
		c.PollInterval = 250 * time.Millisecond
	}
	c.PollInterval = min(c.PollInterval, MaxPollInterval)
	if c.StallTimeout <= 0 {
		c.StallTimeout = time.Second
	}
	if c.StartGrace <= 0 {
		c.StartGrace = 2 * time.Second
	}
	if c.RetryAfter <= 0 {
		c.RetryAfter = 10 * time.Second
	}
	return c
}

// Params holds the Manager's dependencies.
type Params struct {
	// Lister enumerates devices (an *audio.Context).
	Lister Lister
	// Opener opens and starts devices (ContextOpener).
	Opener Opener
	// Mic and Speaker are the user's preferences: a device id, PrefDefault
	// ("") to follow the system default, or PrefNone ("none").
	Mic, Speaker string
	// MicName and SpeakerName are the preferred devices' names when they
	// were chosen: a device listed under that name stands for one whose
	// id is missing (the same headset on another USB port gets a new id).
	MicName, SpeakerName string
	// OnEvent receives the Manager's events, from the goroutine that
	// polls; it must not block for long. nil drops them.
	OnEvent func(Event)
}
