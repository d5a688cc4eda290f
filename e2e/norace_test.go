//go:build !race

package e2e

// raceBuild is false: the tests run without the race detector.
const raceBuild = false
