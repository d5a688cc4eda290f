package netcut

import (
	"errors"
	"io"
	"net"
	"sync"
)

// Relay forwards TCP connections from its own loopback address to a
// target, both ways, until it is cut. Cut drops every connection at once
// (both sides see the socket die, with no close handshake above TCP, as
// when a network goes away) and makes new connections fail until Restore.
type Relay struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	cut    bool
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewRelay listens on a free loopback port and forwards to target
// (host:port).
func NewRelay(target string) (*Relay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Relay{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	r.wg.Add(1)
	go r.accept()
	return r, nil
}

// Addr is the relay's host:port, to connect to instead of the target.
func (r *Relay) Addr() string { return r.ln.Addr().String() }

// SetTarget changes where new connections go (a restarted server on
// another port).
func (r *Relay) SetTarget(target string) {
	r.mu.Lock()
	r.target = target
	r.mu.Unlock()
}

// Cut drops every connection and refuses new ones until Restore.
func (r *Relay) Cut() {
	r.mu.Lock()
	r.cut = true
	conns := r.conns
	r.conns = map[net.Conn]struct{}{}
	r.mu.Unlock()
	for c := range conns {
		abort(c)
	}
}

// Restore lets connections through again.
func (r *Relay) Restore() {
	r.mu.Lock()
	r.cut = false
	r.mu.Unlock()
}

// Close stops the relay and drops its connections; it waits for its
// goroutines and may be called more than once.
func (r *Relay) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		r.wg.Wait()
		return nil
	}
	r.closed = true
	conns := r.conns
	r.conns = map[net.Conn]struct{}{}
	r.mu.Unlock()
	err := r.ln.Close()
	for c := range conns {
		abort(c)
	}
	r.wg.Wait()
	return err
}

// abort closes c with a reset rather than a FIN where it can, as a dead
// path looks to whoever tries it next.
func abort(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

func (r *Relay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		cut, target := r.cut, r.target
		r.mu.Unlock()
		if cut {
			abort(c)
			continue
		}
		r.wg.Add(1)
		go r.pipe(c, target)
	}
}

// pipe connects c to the target and copies both ways until either side
// ends or the relay cuts them.
func (r *Relay) pipe(c net.Conn, target string) {
	defer r.wg.Done()
	up, err := net.Dial("tcp", target)
	if err != nil {
		abort(c)
		return
	}
	if !r.track(c, up) {
		abort(c)
		abort(up)
		return
	}
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, err := io.Copy(dst, src)
		if err != nil && !errors.Is(err, net.ErrClosed) {
			abort(dst)
		} else if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go cp(up, c)
	go cp(c, up)
	<-done
	<-done
	r.untrack(c, up)
	_ = c.Close()
	_ = up.Close()
}

func (r *Relay) track(cs ...net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cut || r.closed {
		return false
	}
	for _, c := range cs {
		r.conns[c] = struct{}{}
	}
	return true
}

func (r *Relay) untrack(cs ...net.Conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range cs {
		delete(r.conns, c)
	}
}
