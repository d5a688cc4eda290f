// Package cstderr writes to standard error from C, as a C library linked
// into confab (PulseAudio, miniaudio) does. Only tests import it: it shows
// that output which never passes through Go's os.Stderr is redirected too.
package cstderr

/*
#include <stdio.h>
#include <stdlib.h>

static void write_stderr(const char *s) {
	fputs(s, stderr);
	fflush(stderr);
}
*/
import "C"

import "unsafe"

// Write writes s to the C library's stderr stream and flushes it.
func Write(s string) {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	C.write_stderr(cs)
}
