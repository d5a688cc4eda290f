package main

import (
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/pion/interceptor"

	"github.com/confab-rtc/confab/internal/pionutil"
)

// testRecvLossEnv names the environment variable through which tests
// impair one client's incoming media: a whole percentage (0-100) of the
// RTP packets that reach it is dropped before pion sees them, as a lossy
// downlink would. It exists because the machines the tests run on have no
// netem and the server's host candidates leave no room for a relay in
// between; a user never sets it.
const testRecvLossEnv = "CONFAB_TEST_RECV_LOSS"

// testInterceptors returns the interceptors that getenv's test variables
// ask for: none when testRecvLossEnv is unset.
func testInterceptors(getenv func(string) string) ([]interceptor.Factory, error) {
	v := getenv(testRecvLossEnv)
	if v == "" {
		return nil, nil
	}
	pct, err := strconv.Atoi(v)
	if err != nil || pct < 0 || pct > 100 {
		return nil, fmt.Errorf("%s=%q: want a whole percentage 0-100", testRecvLossEnv, v)
	}
	var p atomic.Int32
	p.Store(int32(pct))
	return []interceptor.Factory{pionutil.LossyReceive(&p)}, nil
}
