package server

import (
	"fmt"
	"net"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// Defaults applied by New to zero fields of Config.
const (
	// DefaultListen is the address Run binds when Config.Listen is empty:
	// loopback only, so that a server is never exposed by accident.
	DefaultListen = "127.0.0.1:7880"
	// DefaultPingInterval is how long a connection may be silent before the
	// server pings it.
	DefaultPingInterval = signal.DefaultPingInterval
	// DefaultPeerTimeout is how long a connection may be silent before the
	// server declares it dead (three missed pings).
	DefaultPeerTimeout = signal.DefaultPeerTimeout
	// DefaultNegotiationTimeout bounds ICE gathering and the wait for a
	// client's answer to a subscribe offer.
	DefaultNegotiationTimeout = 10 * time.Second
	// DefaultSendQueue is how many outgoing frames a connection may have
	// queued before it is considered too slow and dropped.
	DefaultSendQueue = 256
	// DefaultMaxRoomParticipants caps a room; forwarding cost grows with
	// the square of the room size.
	DefaultMaxRoomParticipants = 50
	// DefaultStreamDetectInterval is how long a stream may deliver nothing
	// before its subscribers are told it is interrupted.
	DefaultStreamDetectInterval = 3 * time.Second
	// DefaultMaxRooms caps the rooms one server holds.
	DefaultMaxRooms = 1000
	// DefaultTokenWillExpireLead is how long before a session's signature
	// expires the server sends token-will-expire: time for a client to run
	// a token command and renew.
	DefaultTokenWillExpireLead = 60 * time.Second
	// DefaultRequestRate and DefaultRequestBurst are the token bucket of
	// requests per connection: far above what a client does (a few per
	// minute), far below what would cost the server.
	DefaultRequestRate  = 20
	DefaultRequestBurst = 40
	// DefaultJoinTimeout is how long a connection may stay without a
	// session (not joined, not subscribed to the room list): a client
	// joins within a round trip of connecting, and a connection that
	// never does only holds server resources.
	DefaultJoinTimeout = 10 * time.Second
)

// MaxConsecutiveErrors is how many failed requests in a row a connection
// may send before the server closes it: a client that only produces errors
// is broken or hostile, and answering it forever costs the room.
const MaxConsecutiveErrors = 20

// Config holds the server's tunables. Zero fields take the defaults above.
type Config struct {
	// Listen is the host:port Run binds ("127.0.0.1:0" picks a free port;
	// Addr reports it).
	Listen string
	// AppID and AppKey are the one application this server admits: joins
	// must name AppID and carry a signature made with AppKey
	// (signal.Sign). Both are required.
	AppID, AppKey string
	// MaxMessageBytes is the largest signaling frame accepted; a larger
	// one is answered with CodeTooLarge and the connection is closed.
	MaxMessageBytes int
	// PingInterval is how long a connection may be silent before the
	// server sends a ping.
	PingInterval time.Duration
	// PeerTimeout is how long a connection may be silent before it is
	// declared dead and its participant leaves with reason 8.
	PeerTimeout time.Duration
	// NegotiationTimeout bounds ICE gathering and the wait for an answer
	// to a subscribe offer.
	NegotiationTimeout time.Duration
	// SendQueue is the number of outgoing frames buffered per connection.
	SendQueue int
	// MaxRoomParticipants is the most participants a room admits; one
	// more gets CodeRoomFull.
	MaxRoomParticipants int
	// MaxRooms is the most rooms the server holds; a join that would
	// create one more gets CodeTooManyRooms.
	MaxRooms int
	// TokenWillExpireLead is how long before a session's signature
	// expires it gets token-will-expire.
	TokenWillExpireLead time.Duration
	// RequestRate (requests per second) and RequestBurst are the token
	// bucket of requests per connection; a request beyond it is answered
	// with CodeRequestTooFrequent and not handled. A negative RequestRate
	// turns the limit off.
	RequestRate  float64
	RequestBurst int
	// JoinTimeout is how long a connection may stay neither joined nor
	// subscribed to the room list, after connecting or after a leave,
	// before it gets CodeNotJoined and is closed (1008).
	JoinTimeout time.Duration
	// StreamDetectInterval is how long a published stream may deliver
	// nothing before its subscribers get stream-interrupted (1 s - 60 s).
	StreamDetectInterval time.Duration
	// ResumeGrace is how long the session of a client whose websocket
	// dropped (without a close frame, or silent past PeerTimeout) is kept
	// for a resume on a new websocket; the room sees nothing unless it
	// passes, and then a peer-leave with reason 7. 0 means
	// signal.DefaultResumeGrace (15 s); negative turns resumption off, so
	// a dropped client leaves at once with reason 8.
	ResumeGrace time.Duration
	// TopN, when positive, makes every subscriber receive only the audio
	// of the TopN loudest speakers; 0 forwards everyone.
	TopN int
	// ICE selects the addresses and ports media uses.
	ICE ICEConfig

	// TLSCertFile and TLSKeyFile, both set, make Run serve HTTPS and wss://
	// with this PEM certificate (chain) and key; both empty serve plain
	// HTTP. SelfSignedCert makes a pair for development.
	TLSCertFile, TLSKeyFile string

	// Webhooks are the URLs room and user events are POSTed to
	// (webhook.go, PROTOCOL.md §16). WebhookQueue bounds each URL's
	// undelivered events (default DefaultWebhookQueue; when full the
	// oldest is dropped and counted). A failed POST is retried after
	// WebhookBackoff, doubling up to WebhookMaxBackoff (defaults
	// DefaultWebhookBackoff, DefaultWebhookMaxBackoff).
	Webhooks                          []string
	WebhookQueue                      int
	WebhookBackoff, WebhookMaxBackoff time.Duration
}

// ICEConfig selects where the server's media flows. The server gathers
// host candidates only (no STUN, no TURN) and never trickles: a client on
// the same host or LAN reaches it directly.
type ICEConfig struct {
	// PortMin and PortMax bound the UDP ports of media connections; both
	// zero lets the operating system choose.
	PortMin, PortMax uint16
	// PublicIPs, when set, are announced instead of the interfaces'
	// addresses, for a server behind a 1:1 NAT.
	PublicIPs []string
	// UDP6 also gathers IPv6 candidates; by default only UDP over IPv4 is
	// used, which is what every confab client offers.
	UDP6 bool
	// NoLoopback leaves out 127.0.0.1 candidates. They are included by
	// default so calls work on a machine with no other interface.
	NoLoopback bool
}

// withDefaults returns c with zero fields set to their defaults, or an
// error wrapping ErrConfig.
func (c Config) withDefaults() (Config, error) {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return c, fmt.Errorf("%w: listen address %q: %v", ErrConfig, c.Listen, err)
	}
	if c.AppID == "" || c.AppKey == "" {
		return c, fmt.Errorf("%w: app id and app key are required", ErrConfig)
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return c, fmt.Errorf("%w: a TLS certificate and its key must be given together", ErrConfig)
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = signal.MaxMessageBytes
	}
	if c.MaxMessageBytes < 1024 {
		return c, fmt.Errorf("%w: max message bytes %d is below 1024, too small for any SDP", ErrConfig, c.MaxMessageBytes)
	}
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.PeerTimeout == 0 {
		c.PeerTimeout = DefaultPeerTimeout
	}
	if c.PingInterval < 0 || c.PeerTimeout <= c.PingInterval {
		return c, fmt.Errorf("%w: peer timeout %s must exceed ping interval %s", ErrConfig, c.PeerTimeout, c.PingInterval)
	}
	if c.NegotiationTimeout == 0 {
		c.NegotiationTimeout = DefaultNegotiationTimeout
	}
	if c.SendQueue == 0 {
		c.SendQueue = DefaultSendQueue
	}
	if c.MaxRoomParticipants == 0 {
		c.MaxRoomParticipants = DefaultMaxRoomParticipants
	}
	if c.MaxRooms == 0 {
		c.MaxRooms = DefaultMaxRooms
	}
	if c.TokenWillExpireLead == 0 {
		c.TokenWillExpireLead = DefaultTokenWillExpireLead
	}
	if c.RequestRate == 0 {
		c.RequestRate = DefaultRequestRate
	}
	if c.RequestBurst == 0 {
		c.RequestBurst = DefaultRequestBurst
	}
	if c.JoinTimeout == 0 {
		c.JoinTimeout = DefaultJoinTimeout
	}
	if c.JoinTimeout < 0 {
		return c, fmt.Errorf("%w: negative join timeout %s", ErrConfig, c.JoinTimeout)
	}
	if c.MaxRooms < 0 || c.TokenWillExpireLead < 0 || c.RequestBurst < 0 {
		return c, fmt.Errorf("%w: negative max rooms, token lead or request burst", ErrConfig)
	}
	if c.NegotiationTimeout < 0 || c.SendQueue < 0 || c.MaxRoomParticipants < 0 {
		return c, fmt.Errorf("%w: negative negotiation timeout, send queue or room size", ErrConfig)
	}
	if c.StreamDetectInterval == 0 {
		c.StreamDetectInterval = DefaultStreamDetectInterval
	}
	if c.StreamDetectInterval < time.Second || c.StreamDetectInterval > time.Minute {
		return c, fmt.Errorf("%w: stream detect interval %s is outside 1s-60s", ErrConfig, c.StreamDetectInterval)
	}
	if c.ResumeGrace == 0 {
		c.ResumeGrace = signal.DefaultResumeGrace
	}
	if c.TopN < 0 {
		return c, fmt.Errorf("%w: negative top-n %d", ErrConfig, c.TopN)
	}
	if c.ICE.PortMin > c.ICE.PortMax {
		return c, fmt.Errorf("%w: ICE port range %d-%d is empty", ErrConfig, c.ICE.PortMin, c.ICE.PortMax)
	}
	return c, nil
}

// iceRetryAfter is how long a subscribe connection restarted for a lost
// path may stay unconnected before it is restarted again (PROTOCOL.md
// §6.4).
const iceRetryAfter = 3 * time.Second
