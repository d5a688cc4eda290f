package signal

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds the signaling decoder arbitrary frames, as a hostile
// client or a broken server would send them. Decode must never panic; a
// frame it refuses gets CodeMalformed and an empty message; a frame it
// accepts has a type and survives Encode: encoding it, decoding that and
// encoding again gives the same bytes (nothing is lost or invented on the
// way through the server's relay of fields).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"join","id":"1","version":1,"appId":"app","room":"r","userId":"u","userName":"Zoë","role":0,"signature":"00","ctime":1700000000}`,
		`{"type":"offer","id":"2","pc":"publish","sdp":"v=0\r\n"}`,
		`{"type":"joined","peers":[{"userId":"a","role":2,"streams":[{"userId":"a","kind":"audio","streamId":"a","trackId":"t"}]}]}`,
		`{"type":"volume-indicator","levels":[{"userId":"a","volume":40}]}`,
		`{"type":"rooms","rooms":[{"room":"r","participants":3,"createdAt":1700000000000}]}`,
		`{"type":"ping"}`,
		` {"type":"x"} `,
		`{"type":""}`,
		`[1,2]`,
		`{"type":"join","role":1e400}`,
		"{\"type\":\"\xff\xfe\"}",
		`{"type":"a","type":"b"}`,
		`{"type":"error","code":-1,"message":"\u0000"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			if err.Code != CodeMalformed {
				t.Fatalf("refused with code %d, want %d (CodeMalformed)", err.Code, CodeMalformed)
			}
			if err.Message == "" {
				t.Fatal("refused without a sentence for the user")
			}
			return
		}
		if m.Type == "" {
			t.Fatal("accepted a message without a type")
		}
		once, eerr := Encode(m)
		if eerr != nil {
			t.Fatalf("cannot encode what was decoded: %v", eerr)
		}
		again, derr := Decode(once)
		if derr != nil {
			t.Fatalf("cannot decode what was encoded (%s): %v", once, derr)
		}
		twice, eerr := Encode(again)
		if eerr != nil {
			t.Fatal(eerr)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("round trip changed the message:\n%s\n%s", once, twice)
		}
	})
}
