package tui

import "testing"

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Bob", "Bob"},
		{"李小龍", "李小龍"},
		{"a\x1b[2Jb", "a[2Jb"},
		{"tab\there\nnl\r", "tabherenl"},
		{"c1\u009bx\u007f", "c1x"},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in); got != tt.want {
			t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
