//go:build race

package e2e

// raceBuild makes the binary under test race-enabled when the tests are,
// so data races inside the confab processes fail the run too.
const raceBuild = true
