package call

import (
	"log/slog"
	"time"

	"github.com/pion/interceptor"

	"github.com/confab-rtc/confab/audio"
)

// Config holds the tunables of one call.
type Config struct {
	// ServerURL is the room server's websocket URL; a URL without a path
	// gets the default signaling path /v1/ws.
	ServerURL string
	// TLSPin, when set, trusts a wss:// server by the SHA-256 fingerprint
	// of its certificate ("sha256:" and 64 hex digits) instead of the
	// system's roots: for a development server's self-signed certificate.
	TLSPin string
	// Room, UserID and UserName identify the session (DESIGN.md §2 rules).
	Room     string
	UserID   string
	UserName string
	// Role is signal.RoleJoiner or signal.RolePlayer.
	Role int
	// AppID, Signature and CTime authenticate the join.
	AppID     string
	Signature string
	CTime     int64
	// Platform names the client in server notifications.
	Platform string
	// Encoder configures the Opus encoder of the published stream. Its
	// FrameDuration also sets the mixer's tick: 10 ms frames make the
	// low-latency mode on both the send and the receive side.
	Encoder audio.EncoderConfig
	// JoinTimeout bounds connecting and joining; 0 means 10 s.
	JoinTimeout time.Duration
	// KeepAlive is how long the engine lets the signaling connection stay
	// silent before it pings; the server is declared lost after three
	// times that. 0 means 10 s.
	KeepAlive time.Duration
	// ReconnectTimeout is how long the engine tries to restore a lost
	// connection to the room server (resuming the session, or joining
	// again after a server restart) before it gives up with a peer-leave
	// about the local user, reason 7, and Run returns
	// ErrReconnectTimedOut. 0 means DefaultReconnectTimeout.
	ReconnectTimeout time.Duration
}

// DefaultReconnectTimeout is how long the engine tries to reconnect
// unless configured otherwise: longer than a server keeps a lost session
// (15 s after it notices), long enough for a server restart.
const DefaultReconnectTimeout = 60 * time.Second

// Params holds the engine's dependencies.
type Params struct {
	// Source is the local audio to publish; nil joins receive-only.
	Source audio.Source
	// Outputs receive the mixed remote audio; with none the engine does
	// not decode remote audio at all (bots).
	Outputs []audio.Output
	// Processor cleans the Source's audio (echo cancellation, noise
	// suppression, gain control) before it is sent; the engine feeds it
	// the played mix as the echo reference. nil sends the Source as it is.
	Processor audio.Processor
	// Pacer clocks the mixer; nil means the wall clock.
	Pacer audio.Pacer
	// Logger receives the engine's logs; nil discards them.
	Logger *slog.Logger
	// Renew makes a fresh signature for the room and user when the server
	// warns that the current one will expire (token-will-expire); nil
	// means the engine cannot renew and the session ends at expiry.
	Renew func(room, userID string) (signature string, ctime int64, err error)
	// Interceptors are placed closest to the network on every
	// PeerConnection, before pion's own; tests put a lossy link there
	// (pionutil.LossyReceive), so NACKs, reports and stats see the loss.
	Interceptors []interceptor.Factory
}

func (c Config) withDefaults() Config {
	if c.JoinTimeout == 0 {
		c.JoinTimeout = 10 * time.Second
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = 10 * time.Second
	}
	if c.ReconnectTimeout <= 0 {
		c.ReconnectTimeout = DefaultReconnectTimeout
	}
	if c.Platform == "" {
		c.Platform = "confab"
	}
	return c
}

// mixerFrameSamples is the mixer's tick: the encoder's frame, or 20 ms
// when the encoder settings are invalid (publishing then fails with the
// reason, and receiving still works).
func (c Config) mixerFrameSamples() int {
	if c.Encoder.Validate() != nil {
		return audio.FrameSamples
	}
	return c.Encoder.FrameSamples()
}
