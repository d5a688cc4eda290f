package main

import "testing"

func TestTestInterceptors(t *testing.T) {
	tests := []struct {
		value   string
		n       int
		wantErr bool
	}{
		{"", 0, false},
		{"5", 1, false},
		{"0", 1, false},
		{"100", 1, false},
		{"101", 0, true},
		{"-1", 0, true},
		{"5%", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, err := testInterceptors(func(k string) string {
				if k == testRecvLossEnv {
					return tt.value
				}
				return ""
			})
			if (err != nil) != tt.wantErr || len(got) != tt.n {
				t.Errorf("testInterceptors(%q) = %d interceptors, %v; want %d, error %v", tt.value, len(got), err, tt.n, tt.wantErr)
			}
		})
	}
}
