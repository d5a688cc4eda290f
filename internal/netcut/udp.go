package netcut

import (
	"net"
	"sync/atomic"

	"github.com/pion/transport/v4"
	"github.com/pion/transport/v4/stdnet"
)

// Net is a pion transport.Net (for webrtc.SettingEngine.SetNet) over the
// real network whose UDP sockets can be cut: while cut, every datagram
// they would send is dropped and every one that arrives is thrown away,
// so ICE consent checks, DTLS and RTP all stop as on a dead link, and
// resume when restored. The packet path takes one atomic load.
type Net struct {
	transport.Net
	cut atomic.Bool
}

// NewNet returns a Net over the operating system's network stack.
func NewNet() (*Net, error) {
	std, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	return &Net{Net: std}, nil
}

// Cut drops all UDP traffic of the sockets made through n.
func (n *Net) Cut() { n.cut.Store(true) }

// Restore lets the traffic through again.
func (n *Net) Restore() { n.cut.Store(false) }

// ListenUDP implements transport.Net with a socket that obeys Cut.
func (n *Net) ListenUDP(network string, laddr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.ListenUDP(network, laddr)
	if err != nil {
		return nil, err
	}
	return &udpConn{UDPConn: c, cut: &n.cut}, nil
}

// ListenPacket implements transport.Net with a socket that obeys Cut.
func (n *Net) ListenPacket(network, address string) (net.PacketConn, error) {
	c, err := n.Net.ListenPacket(network, address)
	if err != nil {
		return nil, err
	}
	return &packetConn{PacketConn: c, cut: &n.cut}, nil
}

// udpConn drops datagrams both ways while cut.
type udpConn struct {
	transport.UDPConn
	cut *atomic.Bool
}

func (c *udpConn) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.UDPConn.ReadFrom(p)
		if err != nil || !c.cut.Load() {
			return n, addr, err
		}
	}
}

func (c *udpConn) ReadFromUDP(p []byte) (int, *net.UDPAddr, error) {
	for {
		n, addr, err := c.UDPConn.ReadFromUDP(p)
		if err != nil || !c.cut.Load() {
			return n, addr, err
		}
	}
}

func (c *udpConn) ReadMsgUDP(p, oob []byte) (int, int, int, *net.UDPAddr, error) {
	for {
		n, oobn, flags, addr, err := c.UDPConn.ReadMsgUDP(p, oob)
		if err != nil || !c.cut.Load() {
			return n, oobn, flags, addr, err
		}
	}
}

func (c *udpConn) Read(p []byte) (int, error) {
	for {
		n, err := c.UDPConn.Read(p)
		if err != nil || !c.cut.Load() {
			return n, err
		}
	}
}

func (c *udpConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if c.cut.Load() {
		return len(p), nil
	}
	return c.UDPConn.WriteTo(p, addr)
}

func (c *udpConn) WriteToUDP(p []byte, addr *net.UDPAddr) (int, error) {
	if c.cut.Load() {
		return len(p), nil
	}
	return c.UDPConn.WriteToUDP(p, addr)
}

func (c *udpConn) Write(p []byte) (int, error) {
	if c.cut.Load() {
		return len(p), nil
	}
	return c.UDPConn.Write(p)
}

// packetConn is udpConn for a plain net.PacketConn.
type packetConn struct {
	net.PacketConn
	cut *atomic.Bool
}

func (c *packetConn) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.PacketConn.ReadFrom(p)
		if err != nil || !c.cut.Load() {
			return n, addr, err
		}
	}
}

func (c *packetConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if c.cut.Load() {
		return len(p), nil
	}
	return c.PacketConn.WriteTo(p, addr)
}
