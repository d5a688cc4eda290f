package signal

import (
	"bytes"
	"encoding/json"
)

// MaxMessageBytes is the default limit on one signaling frame. SDP of a
// few audio and video tracks is well under it.
const MaxMessageBytes = 64 << 10

// Decode parses one frame. A frame that is not a JSON object, or has no
// type, gets a CodeMalformed error; the caller answers it and carries on.
func Decode(data []byte) (Message, *Error) {
	var m Message
	if len(bytes.TrimSpace(data)) == 0 || bytes.TrimSpace(data)[0] != '{' {
		return m, Errorf(CodeMalformed, "a frame must be one JSON object")
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return Message{}, Errorf(CodeMalformed, "malformed JSON: %v", err)
	}
	if m.Type == "" {
		return m, Errorf(CodeMalformed, "the message has no type")
	}
	return m, nil
}

// Encode serialises a message as one compact JSON object with no trailing
// newline.
func Encode(m Message) ([]byte, error) { return json.Marshal(m) }
