package tui

import "testing"

func TestCutWords(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want string
	}{
		{"Bob Stone", 20, "Bob Stone"},
		{"Bob Stone", 9, "Bob Stone"},
		{"Bob Stone", 8, "Bob…"},
		{"Dave Okonkwo-Harrington", 18, "Dave Okonkwo-…"},
		{"Dave Okonkwo-Harrington", 12, "Dave…"},
		{"requests too frequent; slow down", 24, "requests too frequent;…"},
		{"Supercalifragilistic", 8, "Superca…"},
		{"名前名前 名前", 8, "名前名…"},
		{"abc", 1, "…"},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		if got := cutWords(tt.s, tt.w); got != tt.want {
			t.Errorf("cutWords(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
		}
	}
}
