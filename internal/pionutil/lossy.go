package pionutil

import (
	"encoding/binary"
	"sync/atomic"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
)

// LossyReceive is an in-process lossy link for incoming media, for tests:
// an interceptor to register before pion's own, so it sits closest to the
// network and the receiver reports, NACKs and stats all see the gaps. It
// drops *pct percent of the RTP packets by sequence number, so a
// retransmission of a dropped packet is dropped again and the loss is
// exactly that percentage; pct may change while media flows.
func LossyReceive(pct *atomic.Int32) interceptor.Factory { return lossyFactory{pct} }

type lossyFactory struct{ pct *atomic.Int32 }

func (f lossyFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &lossyInterceptor{pct: f.pct}, nil
}

type lossyInterceptor struct {
	interceptor.NoOp
	pct *atomic.Int32
}

func (l *lossyInterceptor) BindRemoteStream(_ *interceptor.StreamInfo, r interceptor.RTPReader) interceptor.RTPReader {
	return interceptor.RTPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		for {
			n, attr, err := r.Read(b, a)
			if err != nil || n < 4 {
				return n, attr, err
			}
			seq, pct := int(binary.BigEndian.Uint16(b[2:4])), int(l.pct.Load())
			if seq*pct%100 >= pct {
				return n, attr, err
			}
		}
	})
}

// LossySend is LossyReceive for outgoing media: registered before pion's
// interceptors, it drops *pct percent of the RTP packets by sequence
// number after the sender's own counters saw them, so the far end's
// receiver reports tell the loss back.
func LossySend(pct *atomic.Int32) interceptor.Factory { return lossySendFactory{pct} }

type lossySendFactory struct{ pct *atomic.Int32 }

func (f lossySendFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &lossySendInterceptor{pct: f.pct}, nil
}

type lossySendInterceptor struct {
	interceptor.NoOp
	pct *atomic.Int32
}

func (l *lossySendInterceptor) BindLocalStream(_ *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
		if pct := int(l.pct.Load()); int(h.SequenceNumber)*pct%100 < pct {
			return h.MarshalSize() + len(payload), nil // lost on the way
		}
		return w.Write(h, payload, a)
	})
}
