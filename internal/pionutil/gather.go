package pionutil

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pion/webrtc/v4"
)

// ErrGatherTimeout is returned by SetLocalAndGather when ICE gathering
// does not finish in time.
var ErrGatherTimeout = errors.New("ICE gathering did not complete")

// SetLocalAndGather applies a local description and waits until ICE
// gathering completes, then returns the complete SDP: confab's protocol
// sends full descriptions, never trickled candidates. It gives up after
// timeout or when ctx ends, so a stuck gatherer cannot hang the caller.
func SetLocalAndGather(ctx context.Context, pc *webrtc.PeerConnection, desc webrtc.SessionDescription, timeout time.Duration) (string, error) {
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		return "", err
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", ctx.Err()
	case <-timer.C:
		return "", fmt.Errorf("%w within %s", ErrGatherTimeout, timeout)
	}
	return pc.LocalDescription().SDP, nil
}
