package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// tokenCommandTimeout bounds one run of a token command.
const tokenCommandTimeout = 30 * time.Second

// tokenCommand returns a signer (call.Params.Renew) that runs cmdline
// through sh -c, like a credential plugin, with CONFAB_ROOM and
// CONFAB_USER in its environment. Its standard output is either
// "SIGNATURE CTIME" or a JSON object {"signature": "...", "ctime": N}.
func tokenCommand(cmdline string) func(room, userID string) (string, int64, error) {
	return func(room, userID string) (string, int64, error) {
		ctx, cancel := context.WithTimeout(context.Background(), tokenCommandTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "sh", "-c", cmdline)
		cmd.Env = append(os.Environ(), "CONFAB_ROOM="+room, "CONFAB_USER="+userID)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", 0, fmt.Errorf("token command %q: %v: %s", cmdline, err, strings.TrimSpace(stderr.String()))
		}
		return parseToken(out)
	}
}

// parseToken reads a token command's output: "SIGNATURE CTIME" or JSON
// {"signature","ctime"}.
func parseToken(out []byte) (string, int64, error) {
	out = bytes.TrimSpace(out)
	if len(out) > 0 && out[0] == '{' {
		var t struct {
			Signature string `json:"signature"`
			CTime     int64  `json:"ctime"`
		}
		if err := json.Unmarshal(out, &t); err != nil {
			return "", 0, fmt.Errorf("token command output is not the JSON {\"signature\",\"ctime\"}: %v", err)
		}
		return checkToken(t.Signature, t.CTime)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return "", 0, errors.New(`token command output must be "SIGNATURE CTIME" or {"signature","ctime"}`)
	}
	ctime, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("token command ctime %q is not Unix seconds", f[1])
	}
	return checkToken(f[0], ctime)
}

// checkToken rejects output that cannot be a signature before the server
// has to.
func checkToken(sig string, ctime int64) (string, int64, error) {
	if sig == "" || ctime <= 0 {
		return "", 0, errors.New("token command printed no signature or no ctime")
	}
	if ctime <= time.Now().Unix() {
		return "", 0, signal.Errorf(signal.CodeSignatureExpired, "token command printed a signature that expired at %d", ctime)
	}
	return sig, ctime, nil
}

// appKeySigner returns a signer (call.Params.Renew) that signs a fresh
// signature valid for 2 hours with the app credentials.
func appKeySigner(appID, appKey string) func(room, userID string) (string, int64, error) {
	return func(room, userID string) (string, int64, error) {
		ctime := time.Now().Add(2 * time.Hour).Unix()
		return signal.Sign(appKey, appID, room, userID, ctime), ctime, nil
	}
}
