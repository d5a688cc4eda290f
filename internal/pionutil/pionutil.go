// Package pionutil holds the small pieces of pion setup that the call
// engine and the room server share: where pion's logs go, and how the
// negotiated audio-level header extension is found.
package pionutil

import (
	"bytes"
	"log/slog"

	"github.com/pion/logging"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// LoggerFactory sends pion's warnings and errors to log. pion writes to
// stderr by default, which would tear a terminal interface and bypass the
// log file.
func LoggerFactory(log *slog.Logger) logging.LoggerFactory {
	return &logging.DefaultLoggerFactory{
		Writer:          slogWriter{log},
		DefaultLogLevel: logging.LogLevelWarn,
		ScopeLevels:     map[string]logging.LogLevel{},
	}
}

// slogWriter turns pion's log lines into structured records.
type slogWriter struct{ log *slog.Logger }

// Write logs one line of pion output at warning level.
func (w slogWriter) Write(p []byte) (int, error) {
	w.log.Warn("pion", "msg", string(bytes.TrimSpace(p)))
	return len(p), nil
}

// AudioLevelID returns the id negotiated for the RFC 6464 audio-level
// extension among exts, or 0 when it was not negotiated.
func AudioLevelID(exts []webrtc.RTPHeaderExtensionParameter) uint8 {
	for _, h := range exts {
		if h.URI == sdp.AudioLevelURI && h.ID > 0 && h.ID < 256 {
			return uint8(h.ID)
		}
	}
	return 0
}
