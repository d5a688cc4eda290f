package call

import "sync"

// eventQueue delivers events in order to one consumer without ever
// blocking the emitter: signaling and media goroutines append, one pump
// goroutine hands them to the consumer's channel.
type eventQueue struct {
	mu     sync.Mutex
	buf    []Event
	closed bool

	notify chan struct{}
	out    chan Event
	stop   chan struct{}
	done   chan struct{}
}

func newEventQueue() *eventQueue {
	q := &eventQueue{
		notify: make(chan struct{}, 1),
		out:    make(chan Event),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	go q.pump()
	return q
}

// emit queues e; it never blocks.
func (q *eventQueue) emit(e Event) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.buf = append(q.buf, e)
	q.mu.Unlock()
	q.wake()
}

func (q *eventQueue) wake() {
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// close ends the stream: queued events are still delivered, then the
// channel is closed.
func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.wake()
}

// abandon stops delivery at once, for a consumer that went away.
func (q *eventQueue) abandon() {
	q.close()
	select {
	case <-q.stop:
	default:
		close(q.stop)
	}
	<-q.done
}

func (q *eventQueue) pump() {
	defer close(q.done)
	defer close(q.out)
	for {
		select {
		case <-q.notify:
		case <-q.stop:
			return
		}
		for {
			q.mu.Lock()
			if len(q.buf) == 0 {
				closed := q.closed
				q.mu.Unlock()
				if closed {
					return
				}
				break
			}
			e := q.buf[0]
			q.buf[0] = nil
			q.buf = q.buf[1:]
			q.mu.Unlock()
			select {
			case q.out <- e:
			case <-q.stop:
				return
			}
		}
	}
}
